"""A LangChain runnable: a streaming chat model piped into a string parser."""
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda

chain = RunnableLambda(lambda payload: payload["question"]) | FakeListChatModel(responses=["four"]) | StrOutputParser()
