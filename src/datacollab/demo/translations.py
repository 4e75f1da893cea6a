"""The demo's open call and one learning (and, from network_translations.py, the network's
and cohorts' texts) in Spanish, French and Portuguese, so a visitor who switches language
reads them in it (issue 14). Written for the demo, following the glossary
(docs/i18n-glossary.md): cohorte/cohorte/coorte, convocatoria/appel à candidatures/chamada,
colaboración de datos/collaboration de données/colaboração de dados, Sur Global/Sud global/
Sul Global.

Set through `apply_translation`, as the services do, so each text remembers the original it
translates: if someone edits the English later, the pages say the translation may be outdated.
"""

from __future__ import annotations

from typing import Any

from datacollab.core.content_language import apply_translation
from datacollab.demo import content
from datacollab.demo.network_translations import COHORTS, NETWORK
from datacollab.learnings.models import Learning
from datacollab.network.models import Call, Cohort, CriterionKind, Network

CALL: dict[str, dict[str, str]] = {
    "es": {
        "title": "Convocatoria abierta: tercera cohorte de la Red de Aprendizaje entre Pares",
        "summary": (
            "Hasta 20.000 £ para colaboraciones de datos, durante seis meses de aprendizaje "
            "entre pares. Las organizaciones del Sur Global son especialmente bienvenidas."
        ),
        "description": """\
Buscamos **colaboraciones de datos** que se unan a la tercera cohorte de la Red de Aprendizaje
entre Pares, que dirige el ODI en colaboración con Microsoft.

En esta convocatoria, una colaboración de datos:

- reúne a empresas, instituciones de investigación, organizaciones sin ánimo de lucro u
  organismos públicos;
- aborda un reto social, económico o ambiental claro;
- trabaja para que sus datos sean tan abiertos como sea posible (animamos a presentarse a las
  colaboraciones con restricciones de privacidad o comerciales);
- quiere lograr más acceso a los datos, o un uso más significativo de ellos.

Los participantes reciben hasta 20.000 £ por su tiempo durante seis meses, orientación del ODI
y de Microsoft sobre enfoques técnicos y gobernanza, y un grupo de pares que afrontan los mismos
retos. Como mostró la segunda cohorte, la red necesita más voces del Sur Global: les damos
prioridad.
""",
    },
    "fr": {
        "title": (
            "Appel à candidatures\u00a0: troisième cohorte du réseau d'apprentissage entre pairs"
        ),
        "summary": (
            "Jusqu'à 20\u202f000\u00a0£ pour des collaborations de données, pour six mois "
            "d'apprentissage entre pairs. Les organisations du Sud global sont particulièrement "
            "bienvenues."
        ),
        "description": """\
Nous cherchons des **collaborations de données** pour rejoindre la troisième cohorte du réseau
d'apprentissage entre pairs, animé par l'ODI en partenariat avec Microsoft.

Pour cet appel, une collaboration de données\u00a0:

- réunit des entreprises, des institutions de recherche, des associations et/ou des organismes
  publics\u00a0;
- répond à un enjeu sociétal, économique ou environnemental clair\u00a0;
- s'efforce d'ouvrir ses données autant que possible (les collaborations soumises à des
  contraintes de confidentialité ou commerciales sont encouragées à candidater)\u00a0;
- vise un meilleur accès aux données, ou un usage plus utile de celles-ci.

Les participants reçoivent jusqu'à 20\u202f000\u00a0£ pour leur temps sur six mois, l'appui de
l'ODI et de Microsoft sur les approches techniques et la gouvernance, et un groupe de pairs qui
font face aux mêmes défis. Comme l'a montré la deuxième cohorte, le réseau a besoin de plus de
voix du Sud global\u00a0: nous leur donnons la priorité.
""",
    },
    "pt": {
        "title": "Chamada aberta: terceira coorte da Rede de Aprendizagem entre Pares",
        "summary": (
            "Até £ 20.000 para colaborações de dados, durante seis meses de aprendizagem entre "
            "pares. Organizações do Sul Global são especialmente bem-vindas."
        ),
        "description": """\
Procuramos **colaborações de dados** para a terceira coorte da Rede de Aprendizagem entre
Pares, conduzida pelo ODI em parceria com a Microsoft.

Nesta chamada, uma colaboração de dados:

- reúne empresas, instituições de pesquisa, organizações sem fins lucrativos e/ou órgãos
  públicos;
- enfrenta um desafio social, econômico ou ambiental claro;
- trabalha para que seus dados sejam tão abertos quanto possível (colaborações com restrições
  de privacidade ou comerciais são incentivadas a se candidatar);
- busca ampliar o acesso aos dados, ou dar a eles um uso mais significativo.

Os participantes recebem até £ 20.000 pelo seu tempo ao longo de seis meses, orientação do ODI
e da Microsoft sobre abordagens técnicas e governança, e um grupo de pares que enfrentam os
mesmos desafios. Como a segunda coorte mostrou, a rede precisa de mais vozes do Sul Global:
damos prioridade a elas.
""",
    },
}

# By the question's position in the call (demo/opencall.py `_questions`).
QUESTIONS: dict[str, dict[int, dict[str, str]]] = {
    "es": {
        1: {"label": "Nombre de su colaboración de datos"},
        2: {
            "label": "¿Qué reto aborda su colaboración, y para quién?",
            "help_text": "Unos pocos párrafos. Puede usar Markdown.",
        },
        3: {"label": "¿Dónde se sitúa la mayor parte de sus datos en el Espectro de Datos?"},
        4: {"label": "¿Qué temas aportaría a las mesas redondas?"},
        5: {"label": "¿Cuántas organizaciones participan en la colaboración?"},
        6: {"label": "Sitio web o portal de datos de la colaboración"},
        7: {
            "label": "Un resumen de una página",
            "help_text": "Opcional. PDF, de 2 MB como máximo.",
        },
    },
    "fr": {
        1: {"label": "Nom de votre collaboration de données"},
        2: {
            "label": "À quel enjeu votre collaboration répond-elle, et pour qui\u00a0?",
            "help_text": "Quelques paragraphes. Le Markdown est accepté.",
        },
        3: {"label": "Où se situe la plupart de vos données sur le spectre des données\u00a0?"},
        4: {"label": "Quels thèmes apporteriez-vous aux tables rondes\u00a0?"},
        5: {"label": "Combien d'organisations participent à la collaboration\u00a0?"},
        6: {"label": "Site web ou portail de données de la collaboration"},
        7: {"label": "Un résumé d'une page", "help_text": "Facultatif. PDF, 2\u00a0Mo au plus."},
    },
    "pt": {
        1: {"label": "Nome da sua colaboração de dados"},
        2: {
            "label": "Que desafio a sua colaboração enfrenta, e para quem?",
            "help_text": "Alguns parágrafos. Pode usar Markdown.",
        },
        3: {"label": "Onde fica a maior parte dos seus dados no Espectro de Dados?"},
        4: {"label": "Que temas vocês trariam para as mesas-redondas?"},
        5: {"label": "Quantas organizações participam da colaboração?"},
        6: {"label": "Site ou portal de dados da colaboração"},
        7: {"label": "Um resumo de uma página", "help_text": "Opcional. PDF, de até 2 MB."},
    },
}

CRITERIA: dict[str, dict[str, str]] = {
    "es": {
        CriterionKind.AMOUNT_AT_MOST: "El importe solicitado es de 20.000 £ como máximo",
        CriterionKind.ORG_KIND_IN: "Pueden presentarse empresas, instituciones de investigación, "
        "organizaciones sin ánimo de lucro y organismos públicos",
        CriterionKind.ANSWER_AT_LEAST: "En la colaboración participan al menos dos organizaciones",
    },
    "fr": {
        CriterionKind.AMOUNT_AT_MOST: "Le montant demandé est de 20\u202f000\u00a0£ au plus",
        CriterionKind.ORG_KIND_IN: "Les entreprises, les institutions de recherche, les "
        "associations et les organismes publics peuvent candidater",
        CriterionKind.ANSWER_AT_LEAST: "La collaboration réunit au moins deux organisations",
    },
    "pt": {
        CriterionKind.AMOUNT_AT_MOST: "O valor solicitado é de no máximo £ 20.000",
        CriterionKind.ORG_KIND_IN: "Podem se candidatar empresas, instituições de pesquisa, "
        "organizações sem fins lucrativos e órgãos públicos",
        CriterionKind.ANSWER_AT_LEAST: "A colaboração envolve pelo menos duas organizações",
    },
}

LEARNING_SLUG = "recruit-from-the-global-south-on-purpose"
LEARNING: dict[str, dict[str, str]] = {
    "es": {
        "title": "Reclutar en el Sur Global a propósito",
        "body": """\
Todas las organizaciones participantes trabajan a escala mundial, y sin embargo quienes
tomaron parte procedían sobre todo de países del norte, mayoritariamente blancos. Elegir por
madurez reprodujo la brecha geográfica de datos. La próxima cohorte debe dar prioridad a las
organizaciones del Sur Global desde la convocatoria, no esperar a que se presenten.
""",
    },
    "fr": {
        "title": "Recruter dans le Sud global, délibérément",
        "body": """\
Toutes les organisations participantes travaillent à l'échelle mondiale, et pourtant les
personnes qui ont pris part venaient surtout de pays du Nord, majoritairement blancs. Choisir
sur la maturité a reproduit la fracture géographique des données. La prochaine cohorte doit
donner la priorité aux organisations du Sud global dès l'appel à candidatures, et non espérer
qu'elles postulent.
""",
    },
    "pt": {
        "title": "Recrutar no Sul Global de propósito",
        "body": """\
Todas as organizações participantes atuam globalmente, e no entanto quem participou vinha
sobretudo de países do hemisfério norte, predominantemente brancos. Escolher pela maturidade
reproduziu a divisão geográfica dos dados. A próxima coorte deve priorizar organizações do Sul
Global desde a chamada, em vez de esperar que se candidatem.
""",
    },
}


def _translate(obj: Any, texts: dict[str, dict[str, str]]) -> None:
    for language, values in texts.items():
        apply_translation(obj, language=language, values=values)
    obj.save(update_fields=["translations", "translated_from"])


def ensure_translations() -> None:
    network = Network.objects.filter(slug=content.NETWORK_SLUG).first()
    if network is not None:
        _translate(network, NETWORK)
    for cohort in Cohort.objects.filter(slug__in=list(COHORTS)):
        _translate(cohort, COHORTS[cohort.slug])
    call = Call.objects.get(slug=content.THIRD_CALL_SLUG)
    _translate(call, CALL)
    for question in call.questions.all():
        _translate(
            question,
            {code: by_position[question.position] for code, by_position in QUESTIONS.items()},
        )
    for criterion in call.criteria.all():
        texts = {
            code: {"description": by_kind[criterion.kind]} for code, by_kind in CRITERIA.items()
        }
        _translate(criterion, texts)
    learning = Learning.objects.filter(slug=LEARNING_SLUG).first()
    if learning is not None:
        _translate(learning, LEARNING)
