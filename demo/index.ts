import * as pulumi from "@pulumi/pulumi";

// Until the orchestrator resources land, the demo proves the engine round trip with one dynamic resource.
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { message: string }) {
    return { id: "demo", outs: { message: inputs.message } };
  },
};

class Message extends pulumi.dynamic.Resource {
  declare readonly message: pulumi.Output<string>;
  constructor(name: string, message: string) {
    super(provider, name, { message }, {}, "demo", "Message");
  }
}

export const message = new Message("hello", "pulumi-pe-orchestrator demo").message;
