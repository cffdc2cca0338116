"""The fixed texts of the offline responder, per language, and the word lists it reads.

- `TEMPLATES` (through `templates_for`): the lead-in, the "Sources" label, the fallback and the
  default greeting of an answer, in each supported language;
- `GREETING_WORDS`: the words a message made only of greetings consists of;
- `NULL_SENTENCES`: sentences on unrelated subjects, the calibration baseline of relevance.
"""

# ruff: noqa: RUF001 - the texts and word lists are in Cyrillic
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Templates:
    lead_in: str
    sources: str
    fallback: str
    greeting: str


TEMPLATES: dict[str, Templates] = {
    "en": Templates(
        "Here is what I found:",
        "Sources",
        "I don't have information about that yet; a colleague will follow up.",
        "Hello! How can I help you?",
    ),
    "es": Templates(
        "Esto es lo que encontré:",
        "Fuentes",
        "Todavía no tengo información sobre eso; un colega se pondrá en contacto contigo.",
        "¡Hola! ¿En qué puedo ayudarte?",
    ),
    "pt": Templates(
        "Aqui está o que encontrei:",
        "Fontes",
        "Ainda não tenho informações sobre isso; um colega entrará em contato.",
        "Olá! Como posso ajudar?",
    ),
    "ru": Templates(
        "Вот что удалось найти:",
        "Источники",
        "У меня пока нет информации об этом; коллега свяжется с вами.",
        "Здравствуйте! Чем могу помочь?",
    ),
    "de": Templates(
        "Das habe ich dazu gefunden:",
        "Quellen",
        "Dazu habe ich noch keine Informationen; ein Kollege meldet sich bei Ihnen.",
        "Hallo! Wie kann ich helfen?",
    ),
    "fr": Templates(
        "Voici ce que j'ai trouvé :",
        "Sources",
        "Je n'ai pas encore d'informations à ce sujet ; un collègue reviendra vers vous.",
        "Bonjour ! Comment puis-je vous aider ?",
    ),
    "it": Templates(
        "Ecco cosa ho trovato:",
        "Fonti",
        "Non ho ancora informazioni su questo; un collega ti ricontatterà.",
        "Ciao! Come posso aiutarti?",
    ),
}


def templates_for(language: str | None) -> Templates:
    """The texts for a language code ("es", "es-MX", "pt_BR", "RU"); English when unknown."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return TEMPLATES.get(code, TEMPLATES["en"])


# A message made only of these words (at most six) is a greeting.
GREETING_WORDS = frozenset(
    {
        "hi", "hello", "hey", "hiya", "howdy", "yo", "good", "morning", "afternoon", "evening",
        "there", "everyone", "all", "team", "greetings",
        "hola", "buenas", "buenos", "buen", "día", "dia", "días", "dias", "tardes", "noches",
        "saludos", "qué", "que", "tal",
        "olá", "ola", "oi", "opa", "bom", "boa", "tarde", "noite", "tudo", "bem",
        "привет", "приветствую", "здравствуйте", "здравствуй", "добрый", "доброе", "день",
        "вечер", "утро", "здрасте",
        "hallo", "guten", "tag", "morgen", "abend", "moin", "servus",
        "bonjour", "bonsoir", "salut", "coucou",
        "ciao", "buongiorno", "buonasera", "salve",
    }
)  # fmt: skip

# Not content words: a sentence sharing them with the question gets no lexical bonus.
# Sentences on subjects no business knowledge base is about (weather, animals, music, gardens),
# four per language: the question's similarity to them is its baseline (see the module notes).
NULL_SENTENCES: dict[str, tuple[str, ...]] = {
    "en": (
        "The river flows slowly through the old valley.",
        "My grandmother planted tomatoes in the garden last spring.",
        "The orchestra rehearsed the symphony until late at night.",
        "Penguins live in large colonies near the coast.",
    ),
    "es": (
        "El río fluye lentamente por el antiguo valle.",
        "Mi abuela plantó tomates en el jardín la primavera pasada.",
        "La orquesta ensayó la sinfonía hasta tarde.",
        "Los pingüinos viven en grandes colonias cerca de la costa.",
    ),
    "pt": (
        "O rio corre devagar pelo vale antigo.",
        "Minha avó plantou tomates no jardim na primavera passada.",
        "A orquestra ensaiou a sinfonia até tarde da noite.",
        "Os pinguins vivem em grandes colônias perto da costa.",
    ),
    "ru": (
        "Река медленно течёт через старую долину.",
        "Моя бабушка посадила помидоры в саду прошлой весной.",
        "Оркестр репетировал симфонию до поздней ночи.",
        "Пингвины живут большими колониями у побережья.",
    ),
    "de": (
        "Der Fluss fließt langsam durch das alte Tal.",
        "Meine Großmutter hat letzten Frühling Tomaten im Garten gepflanzt.",
        "Das Orchester probte die Sinfonie bis spät in die Nacht.",
        "Pinguine leben in großen Kolonien an der Küste.",
    ),
    "fr": (
        "La rivière coule lentement à travers la vieille vallée.",
        "Ma grand-mère a planté des tomates dans le jardin au printemps dernier.",
        "L'orchestre a répété la symphonie jusque tard dans la nuit.",
        "Les manchots vivent en grandes colonies près de la côte.",
    ),
    "it": (
        "Il fiume scorre lentamente attraverso l'antica valle.",
        "Mia nonna ha piantato pomodori nell'orto la scorsa primavera.",
        "L'orchestra ha provato la sinfonia fino a tarda notte.",
        "I pinguini vivono in grandi colonie vicino alla costa.",
    ),
}
