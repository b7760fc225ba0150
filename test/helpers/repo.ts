// Shared with bench/ and demo/, so it lives in support/; tests import it from here.
export * from '../../support/helpers/repo.js';
