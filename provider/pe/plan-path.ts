/** `mymodule::deploy` → `mymodule/deploy`; a module's init plan `mymodule` → `mymodule/init` (§12.22). */
export function planPath(planName: string): string {
  const [module, ...rest] = planName.split("::");
  if (!module || rest.some((part) => !part)) throw new Error(`"${planName}" is not a plan name`);
  const plan = rest.length === 0 ? "init" : rest.join("::");
  return `${encodeURIComponent(module)}/${encodeURIComponent(plan)}`;
}
