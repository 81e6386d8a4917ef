"""Qt-free, torch-free core: documents, spans, tag schemes, tokenizer, formats, project store."""
