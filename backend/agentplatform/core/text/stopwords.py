"""Words too common to count as a question's content words, in the languages we serve
(English, Spanish, Portuguese, Russian, and the commonest of German, French and Italian)."""

# ruff: noqa: RUF001 - Cyrillic stop words
STOPWORDS = frozenset(
    {
        "the", "and", "for", "are", "was", "were", "you", "your", "our", "have", "has", "does",
        "did", "can", "could", "would", "will", "what", "which", "who", "whom", "how", "when",
        "where", "why", "with", "this", "that", "these", "those", "there", "from", "about",
        "into", "any", "much", "many", "some", "not", "but", "its", "it's", "is", "do", "of",
        "to", "in", "on", "at", "by", "or", "an", "a", "be", "me", "my", "we", "us", "it",
        "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "que", "qué", "en",
        "y", "o", "es", "son", "por", "para", "con", "sin", "su", "sus", "lo", "le", "les",
        "se", "mi", "tu", "al", "cómo", "como", "cuál", "cual", "cuánto", "cuanto", "hay",
        "os", "as", "um", "uma", "da", "dos", "das", "no", "na", "nos", "nas", "é",
        "e", "seu", "sua", "qual", "quanto", "quanta", "tem",
        "и", "в", "во", "не", "на", "с", "со", "что", "как", "а", "но", "по", "к", "у", "за",
        "из", "о", "об", "ли", "же", "это", "есть", "сколько", "какой", "какая", "где",
        "der", "die", "und", "ist", "ein", "eine", "des", "et", "est",
        "il", "di", "che", "per",
    }
)  # fmt: skip
