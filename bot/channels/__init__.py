"""Channel adapters: WeChat, Telegram and the web chat.

Each adapter turns its platform's message into ``bot.conversation.IncomingMessage`` and the
assistant's ``Turn`` back into what the platform shows. What every channel shares (numbered
choices, retries recognised once, the human handoff, delivering later messages) lives in
``relay``, ``ledger``, ``buttons`` and ``delivery``; the adapters hold no business logic.
"""
