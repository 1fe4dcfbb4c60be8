"""The database side of the knowledge base, one small collaborator per concern.

:mod:`.entries` (read, add, edit, delete), :mod:`.importing` (files), :mod:`.synonyms`,
:mod:`.gaps`, :mod:`.learning` (picks → similar phrasings) and :mod:`.sync` (seed, load,
refresh), over :mod:`.rows` (versioned writes), :mod:`.fields` (validation) and :mod:`.views`
(what they hand out). :func:`knowledge_base.service.build_knowledge_base` composes them.
"""
