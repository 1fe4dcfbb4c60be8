"""The database side of the knowledge base, one concern per module.

:class:`knowledge_base.service.KnowledgeBase` is assembled from the mixins here — entries
(:mod:`.entries`), import (:mod:`.importing`), synonyms (:mod:`.synonyms`), gaps (:mod:`.gaps`)
and start-up / refresh (:mod:`.sync`) — over the shared row-writing and index-syncing primitives
of :class:`.core.KbCore`. Import the public names from :mod:`knowledge_base.service`.
"""
