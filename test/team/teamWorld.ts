// Shared with bench/, so it lives in support/; tests import it from here.
export * from '../../support/team/teamWorld.js';
