// A TypeScript agent in erasable syntax: Node ≥ 22.18 imports it without a build step.
interface Input {
  name: string;
}

export async function greet(input: Input): Promise<{ greeting: string }> {
  return { greeting: `hello ${input.name}` };
}
