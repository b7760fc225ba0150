// zod schemas of the App Platform answers we read. Tolerant on purpose: DigitalOcean adds fields
// (passthrough) and leaves out zero counters and empty lists (optional everywhere but `id`).
import { z } from 'zod';

const component = z.object({ name: z.string().optional(), source_commit_hash: z.string().nullish() }).passthrough();
const components = z.array(component).nullish();

export interface Step {
  name?: string | undefined;
  status?: string | undefined;
  component_name?: string | undefined;
  message_base?: string | undefined;
  reason?: { code?: string | undefined; message?: string | undefined } | null | undefined;
  steps?: Step[] | null | undefined;
}

const step: z.ZodType<Step> = z.lazy(() =>
  z
    .object({
      name: z.string().optional(),
      status: z.string().optional(),
      component_name: z.string().optional(),
      message_base: z.string().optional(),
      reason: z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough().nullish(),
      steps: z.array(step).nullish(),
    })
    .passthrough(),
);

export const deploymentSchema = z
  .object({
    id: z.string().min(1),
    phase: z.string().optional(),
    cause: z.string().optional(),
    created_at: z.string().optional(),
    services: components,
    workers: components,
    jobs: components,
    static_sites: components,
    functions: components,
    cause_details: z
      .object({ git_push: z.object({ commit_sha: z.string().nullish() }).passthrough().nullish() })
      .passthrough()
      .nullish(),
    progress: z
      .object({
        error_steps: z.number().optional(),
        success_steps: z.number().optional(),
        total_steps: z.number().optional(),
        steps: z.array(step).nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export type Deployment = z.infer<typeof deploymentSchema>;

export const listSchema = z
  .object({
    deployments: z.array(deploymentSchema).nullish(),
    links: z
      .object({ pages: z.object({ next: z.string().optional() }).passthrough().nullish() })
      .passthrough()
      .nullish(),
    meta: z.object({ total: z.number().optional() }).passthrough().nullish(),
  })
  .passthrough();

export type DeploymentList = z.infer<typeof listSchema>;

export const logsSchema = z
  .object({ live_url: z.string().nullish(), historic_urls: z.array(z.string()).nullish() })
  .passthrough();

export type LogUrls = z.infer<typeof logsSchema>;

/** A component's git source in the app spec: only these three deploy on push (a plain `git` source never does). */
const pushSource = z.object({ branch: z.string().optional(), deploy_on_push: z.boolean().optional() }).passthrough();
const specComponent = z
  .object({
    name: z.string().optional(),
    github: pushSource.nullish(),
    gitlab: pushSource.nullish(),
    bitbucket: pushSource.nullish(),
  })
  .passthrough();
const specComponents = z.array(specComponent).nullish();

/** GET /v2/apps/{id}'s `app`: the spec, and the deployments it names (OAS models/app.yml). */
export const appSchema = z
  .object({
    id: z.string().optional(),
    // Read one by one (snapshot.ts): one the schema refuses must not cost the spec, which is read from here too.
    active_deployment: z.unknown().optional(),
    in_progress_deployment: z.unknown().optional(),
    pending_deployment: z.unknown().optional(),
    /** When the newest deployment was created: unchanged means no deployment came since. */
    last_deployment_created_at: z.string().nullish(),
    spec: z
      .object({
        name: z.string().optional(),
        services: specComponents,
        workers: specComponents,
        jobs: specComponents,
        static_sites: specComponents,
        functions: specComponents,
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export type App = z.infer<typeof appSchema>;
export type AppSpec = NonNullable<App['spec']>;
