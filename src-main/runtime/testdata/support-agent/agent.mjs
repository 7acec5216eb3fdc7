// A support agent as a user would write one: a generator that streams its answer from the model
// through the OpenAI SDK. The SDK reads OPENAI_BASE_URL and OPENAI_API_KEY, which the runtime
// points at its own LLM proxy (the agent never holds the provider key).
import OpenAI from 'openai';

export async function* answer(input) {
  const client = new OpenAI({ maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    max_tokens: 200,
    messages: [{ role: 'user', content: input.question }],
  });
  let text = '';
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta?.content ?? '';
    if (piece) {
      text += piece;
      yield piece;
    }
  }
  return { answer: text, echo: input.question };
}
