// Puppet Enterprise orchestrator and Code Manager as Pulumi resources: deploy code, run Puppet, tasks and plans, and wait for them.
package pe
