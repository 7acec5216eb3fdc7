// LangChain Runnables: a lambda, and a chain whose chat model streams tokens.
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';

export const doubler = RunnableLambda.from(async (input) => ({ doubled: input.n * 2 }));

export const chain = RunnableLambda.from((input) => input.question)
  .pipe(new FakeListChatModel({ responses: ['four'], sleep: 0 }))
  .pipe(new StringOutputParser());
