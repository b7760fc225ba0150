// Which app's logs `logs` fetches when several App Platform apps are configured: the one --app names, else
// the one the record names (the app that failed), else the only one, else the first app with a deployment
// of this commit. Returns the app's client and, when already known, the deployment.
import { UsageError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';
import type { StatusRecord } from '../../store/statusRecord.js';
import type { DoClient } from '../../sources/digitalocean/client.js';
import { builtFrom } from '../../sources/digitalocean/match.js';

export interface ConfiguredApp {
  id: string;
  name: string | null;
}

export interface Chosen {
  client: DoClient;
  deploymentId: string | null;
}

const MAX_PAGES = 5;

export async function whichApp(
  apps: readonly ConfiguredApp[],
  named: string | undefined,
  record: StatusRecord | null,
  sha: string,
  clientFor: (appId: string) => DoClient,
): Promise<Chosen | null> {
  const recorded = record?.app ?? null;
  let app: ConfiguredApp | undefined;
  if (named !== undefined) {
    app = apps.find((a) => a.name === named || a.id === named);
    if (!app)
      throw new UsageError(
        msg.unknownApp(
          named,
          apps.map((a) => a.name ?? a.id),
        ),
      );
  } else if (recorded) app = apps.find((a) => a.id === recorded.id) ?? recorded;
  else if (apps.length === 1) app = apps[0];
  if (app) {
    const client = clientFor(app.id);
    // The record's deployment belongs to the app it names, or to the only app when it names none.
    const ours = recorded ? recorded.id === app.id : apps.length === 1;
    return { client, deploymentId: (ours ? record?.deploymentId : null) ?? (await findDeployment(client, sha)) };
  }
  for (const each of apps) {
    const client = clientFor(each.id);
    const deploymentId = await findDeployment(client, sha);
    if (deploymentId) return { client, deploymentId };
  }
  return null;
}

/** Newest first, a few pages back, as the monitor looks. */
async function findDeployment(client: DoClient, sha: string): Promise<string | null> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await client.listPage(page);
    if (!answer.ok) return null;
    const found = (answer.value.deployments ?? []).find((d) => builtFrom(d, sha));
    if (found) return found.id;
    if (!answer.value.links?.pages?.next) return null;
  }
  return null;
}
