// An agent whose OpenAI client is built at module load, capturing globalThis.fetch then.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: 'sk-test-not-a-secret', maxRetries: 0 });

export async function ask(input) {
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: input.question }] });
  return { answer: completion.choices[0]?.message.content };
}
