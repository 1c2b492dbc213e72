"""The RAG chat logic: settings, answers with citations, LLM backends."""

from assistant.chat import Assistant
from assistant.errors import LLMBackendError, ModelFilesError
from assistant.llm import ChatModel, Message, make_chat_model
from assistant.settings import ChatSettings, Settings, UISettings, load_settings
from assistant.types import Answer, Citation, FinalEvent, SourcesEvent, StreamEvent, TokenEvent, Turn

__all__ = [
    "Answer", "Assistant", "ChatModel", "ChatSettings", "Citation", "FinalEvent", "LLMBackendError",
    "Message", "ModelFilesError", "Settings", "SourcesEvent", "StreamEvent", "TokenEvent", "Turn",
    "UISettings", "load_settings", "make_chat_model",
]
