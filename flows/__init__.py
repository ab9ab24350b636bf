"""The dialogue: Rasa domain, rules, stories, and the custom actions bridging to knowledge."""
