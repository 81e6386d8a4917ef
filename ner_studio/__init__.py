"""NER Studio: hand annotation of named entities with a BiLSTM-CRF tagger in the loop."""

__version__ = "0.1.0"
