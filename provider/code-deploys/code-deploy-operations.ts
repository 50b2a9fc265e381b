import { settleInFlight } from "../recovery/in-flight-journal";
import { connections } from "../resource/client-cache";
import type { Host } from "../resource/host";
import { checkConnection, type ResourceOperations } from "../resource/resource-operations";
import { changedInputs, userInputs } from "../resource/resource-props";
import { validateInputs } from "../resource/validate-inputs";
import { codeDeployInputsSchema } from "./code-deploy-inputs";
import { checkOutcome, TYPE } from "./code-deploy-outcome";
import { idOf, outputsOf } from "./code-deploy-outputs";
import { deployAndWait, REPLACE_KEYS } from "./deploy-and-wait";
import { readCodeDeploy } from "./read-code-deploy";
import { updateCodeDeploy } from "./update-code-deploy";

/**
 * The operations of `CodeDeploy` (Code Manager is no job API, so it does not go through JobKind). `check`
 * validates before any request; `create` deploys and waits; `read` reports what `/deploys/status` says of the
 * environments; `update` and `delete` make no API call (deployed code is undone by deploying other code). A
 * cancelled wait reads where the deploys stand for at most CANCEL_READ_MS.
 */
export function codeDeployOperations(host: Host): ResourceOperations {
  const clients = connections(host);
  const clientFor = clients.codeManager;
  return {
    async check(_urn, _olds, news) {
      const inputs = userInputs(news);
      const { failures, value, hasUnknowns } = validateInputs(codeDeployInputsSchema, inputs);
      if (failures.length === 0 && value && !hasUnknowns) {
        const failure = await checkConnection(inputs, clients.codeManagerSettings);
        if (failure) failures.push(failure);
      }
      return { inputs: news, failures };
    },

    async diff(urn, id, olds, news) {
      settleInFlight(urn, id);
      const changed = changedInputs(olds, news);
      const replaces = changed.filter((key) => (REPLACE_KEYS as readonly string[]).includes(key));
      // Recorded while still deploying: `update` waits for the outcome.
      return {
        changes: changed.length > 0 || olds.state === "deploying",
        replaces,
        deleteBeforeReplace: false,
      };
    },

    async create(urn, props) {
      const inputs = userInputs(props);
      const parsed = codeDeployInputsSchema.parse(inputs);
      const outputs = outputsOf(await deployAndWait(host, clientFor(inputs), parsed, props, urn));
      const id = idOf(outputs);
      checkOutcome(parsed, outputs, id, props, "failed");
      return { id, outs: { ...inputs, ...outputs } };
    },

    read: (_urn, id, props) => readCodeDeploy(clientFor(userInputs(props)), id, props),

    async adopt(urn, id) {
      // What `/deploys/status` shows of the environments named: "production" or "production,staging".
      const inputs = { environments: id.split(",").map((name) => name.trim()) };
      const parsed = codeDeployInputsSchema.safeParse(inputs);
      if (!parsed.success)
        throw new Error(
          `${TYPE}: import by environment names, e.g. "production" or "production,staging" (got "${id}")`,
        );
      const read = await readCodeDeploy(clientFor(inputs), id, inputs);
      return { id, props: read.props, inputs };
    },

    async update(urn, id, olds, news) {
      settleInFlight(urn, id);
      return updateCodeDeploy({ host, clientFor: () => clientFor(userInputs(news)), urn }, id, olds, news);
    },

    async delete(urn, id) {
      settleInFlight(urn, id);
      // Nothing to undo: deployed code is replaced by deploying other code.
    },
  };
}
