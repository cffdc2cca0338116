"""The knowledge base: what agents know, in four sub-packages with the house's rooms.

- `documents/`: collections and documents (upload, pasted text, web pages by URL), their stored
  originals (`storage`), fetching (`web_fetch`) and parsing (`parsing/`), and the figures.
- `index/`: chunking, embedding, indexing in the worker, re-embedding when the model changes,
  the scheduled re-check, and chunk previews and edits.
- `search/`: hybrid search (vector and full text fused by reciprocal rank) with highlights.
- `graph/`: the knowledge graph: entities, relations and mentions, extracted by a provider's
  model or by the offline extractor (`graph/offline/`), queried by entity.

`context` is what other domains use: the passages and graph facts for an agent's question.
"""
