import { canonicalJson } from "./canonical-json";
import type { Props } from "./host";
import { ALL_OUTPUT_KEYS, SECRET_PARAMS_KEY, SENSITIVE_PARAMS_KEY } from "./output-keys";

/** Keys a face or the resource class add to the inputs (and the outputs stored beside them): never user inputs. */
export const INTERNAL_KEYS = new Set<string>([
  "__provider",
  "__urn",
  SECRET_PARAMS_KEY,
  SENSITIVE_PARAMS_KEY,
  ...ALL_OUTPUT_KEYS,
]);

/** What state holds besides the user's inputs: the outputs and a face's internal keys (not the engine's own). */
export function recordedOutputs(props: Props): Props {
  return Object.fromEntries(
    Object.entries(props).filter(
      ([key]) => INTERNAL_KEYS.has(key) && key !== "__provider" && key !== "__urn",
    ),
  );
}

/** The `importJobId` input adopts an existing job: changing it is a different job. */
export const ADOPT_KEY = "importJobId";

/** The user's inputs among stored properties (which also hold outputs and internal keys). */
export function userInputs(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !INTERNAL_KEYS.has(key)));
}

/** The user inputs whose values differ between stored properties and new inputs. */
export function changedInputs(olds: Props, news: Props): string[] {
  const before = userInputs(olds);
  const after = userInputs(news);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key]));
}

/**
 * A failure message with the values of secret params hidden. Plans and tasks echo what they were given (a
 * command, a package name) in their errors, and the provider sees params in plain text; the resource says when
 * they hold a secret (SECRET_PARAMS_KEY), and then every string among them is hidden, since which one is secret
 * is not known here.
 */
export function hideParams(message: string, props: Props): string {
  if (props[SECRET_PARAMS_KEY] !== true) return message;
  const values: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string" && value.length >= 3) values.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(props.params);
  // longest first, so that a value holding another is hidden whole
  const hidden = values
    .sort((a, b) => b.length - a.length)
    .reduce((text, value) => text.split(value).join("[secret]"), message);
  return hidden === message ? message : `${hidden} (values of params hidden: they hold a secret)`;
}
