"""Text and what is marked on it: spans, tokens, the tokenizer, sentences, documents, tag
schemes, label sets and their colours.

May import: none.
"""
