"""The RAG chat logic: settings, answers with citations, LLM backends."""

from assistant.settings import ChatSettings, Settings, UISettings, load_settings

__all__ = ["ChatSettings", "Settings", "UISettings", "load_settings"]
