"""The demo network's name and introduction (the home page), and each cohort's focus and
description, in Spanish, French and Portuguese (issue 14). Written for the demo following the
glossary (docs/i18n-glossary.md): red de aprendizaje entre pares / réseau d'apprentissage entre
pairs / rede de aprendizagem entre pares, cohorte/cohorte/coorte, mesa redonda/table ronde/
mesa-redonda, taller/atelier/oficina, administrador/gestionnaire/curador de datos. Proper names
stay as they are: Open Data Institute (ODI), Microsoft, its Open Data Campaign.

French typesets a narrow no-break space in 20 000 and a no-break space before ":" and "£".
"""

from __future__ import annotations

from datacollab.demo import content

NETWORK: dict[str, dict[str, str]] = {
    "es": {
        "name": "Red de Aprendizaje entre Pares para Colaboraciones de Datos",
        "description": """\
La **Red de Aprendizaje entre Pares para Colaboraciones de Datos** la dirige el Open Data
Institute (ODI) en colaboración con Microsoft, dentro de la Open Data Campaign de Microsoft.
Reúne cohortes de *colaboraciones de datos* (empresas, instituciones de investigación,
organizaciones sin ánimo de lucro y organismos públicos que trabajan juntos ante un reto
social o empresarial claro) para que aprendan unas de otras, y también del ODI y de Microsoft.

Durante seis meses, cada cohorte se reúne en mesas redondas y talleres, recibe apoyo
individual y orientación sobre enfoques técnicos y gobernanza, y entra en contacto con pares
que afrontan los mismos retos. Cada organización participante recibe hasta **20.000 £** por su
tiempo.
""",
    },
    "fr": {
        "name": "Réseau d'apprentissage entre pairs pour les collaborations de données",
        "description": """\
Le **réseau d'apprentissage entre pairs pour les collaborations de données** est animé par
l'Open Data Institute (ODI) en partenariat avec Microsoft, dans le cadre de l'Open Data
Campaign de Microsoft. Il réunit des cohortes de *collaborations de données* (entreprises,
institutions de recherche, associations et organismes publics qui travaillent ensemble sur un
enjeu sociétal ou économique clair) pour qu'elles apprennent les unes des autres, ainsi que de
l'ODI et de Microsoft.

Pendant six mois, chaque cohorte se retrouve en tables rondes et en ateliers, bénéficie d'un
accompagnement individuel et de conseils sur les approches techniques et la gouvernance, et
échange avec des pairs qui font face aux mêmes défis. Chaque organisation participante reçoit
jusqu'à **20\u202f000\u00a0£** pour son temps.
""",
    },
    "pt": {
        "name": "Rede de Aprendizagem entre Pares para Colaborações de Dados",
        "description": """\
A **Rede de Aprendizagem entre Pares para Colaborações de Dados** é conduzida pelo Open Data
Institute (ODI) em parceria com a Microsoft, no âmbito da Open Data Campaign da Microsoft. Ela
reúne coortes de *colaborações de dados* (empresas, instituições de pesquisa, organizações sem
fins lucrativos e órgãos públicos que trabalham juntos diante de um desafio social ou de
negócios claro) para que aprendam umas com as outras, e também com o ODI e a Microsoft.

Ao longo de seis meses, cada coorte se reúne em mesas-redondas e oficinas, recebe apoio
individual e orientação sobre abordagens técnicas e governança, e se conecta com pares que
enfrentam os mesmos desafios. Cada organização participante recebe até **£ 20.000** pelo seu
tempo.
""",
    },
}

COHORTS: dict[str, dict[str, dict[str, str]]] = {
    content.FIRST.slug: {
        "es": {
            "focus": "colaboraciones de datos en fase inicial",
            "description": (
                "Seis colaboraciones de datos en fase inicial, de todo el mundo, que abordan "
                "retos de transporte, salud, igualdad de género, economía circular y finanzas. "
                "La cohorte exploró la **confianza y la fiabilidad**: cómo gestionar entornos "
                "de confianza distintos, y qué mecanismos de gobernanza y de tecnología "
                "funcionan cuando la privacidad importa."
            ),
        },
        "fr": {
            "focus": "collaborations de données à leurs débuts",
            "description": (
                "Six collaborations de données à leurs débuts, venues du monde entier, qui "
                "s'attaquent à des enjeux de transport, de santé, d'égalité femmes-hommes, "
                "d'économie circulaire et de finance. La cohorte a exploré la **confiance et la "
                "fiabilité**\u00a0: comment composer avec des environnements de confiance "
                "différents, et quels mécanismes de gouvernance et de technologie fonctionnent "
                "là où la confidentialité compte."
            ),
        },
        "pt": {
            "focus": "colaborações de dados em fase inicial",
            "description": (
                "Seis colaborações de dados em fase inicial, de todo o mundo, que enfrentam "
                "desafios de transporte, saúde, igualdade de gênero, economia circular e "
                "finanças. A coorte explorou a **confiança e a confiabilidade**: como lidar com "
                "ambientes de confiança diferentes, e quais mecanismos de governança e de "
                "tecnologia funcionam onde a privacidade importa."
            ),
        },
    },
    content.SECOND.slug: {
        "es": {
            "focus": "administradores de datos abiertos consolidados",
            "description": (
                "Siete organizaciones consolidadas cuyo propósito es administrar datos abiertos "
                "que cualquiera puede consultar, usar y compartir. Cuatro mesas redondas "
                "trataron el valor y el impacto de los datos abiertos, los modelos de "
                "gobernanza, los modelos de negocio sostenibles que mantienen los datos "
                "abiertos, y cómo hacer los datos accesibles a una amplia comunidad de usuarios."
            ),
        },
        "fr": {
            "focus": "gestionnaires de données ouvertes expérimentés",
            "description": (
                "Sept organisations établies dont la mission est de gérer des données ouvertes "
                "que chacun peut consulter, utiliser et partager. Quatre tables rondes ont porté "
                "sur la valeur et l'impact des données ouvertes, les modèles de gouvernance, les "
                "modèles économiques durables qui gardent les données ouvertes, et l'accès aux "
                "données pour une large communauté d'utilisateurs."
            ),
        },
        "pt": {
            "focus": "curadores de dados abertos consolidados",
            "description": (
                "Sete organizações consolidadas cujo propósito é cuidar de dados abertos que "
                "qualquer pessoa pode acessar, usar e compartilhar. Quatro mesas-redondas "
                "trataram do valor e do impacto dos dados abertos, de modelos de governança, de "
                "modelos de negócio sustentáveis que mantêm os dados abertos e de como tornar os "
                "dados acessíveis a uma ampla comunidade de usuários."
            ),
        },
    },
    content.THIRD_SLUG: {
        "es": {
            "focus": "colaboraciones de datos, con prioridad para el Sur Global",
            "description": (
                "La tercera cohorte responde a lo que nos enseñó la segunda: la red necesita "
                "más voces del Sur Global. Acoge colaboraciones de datos de cualquier tamaño y "
                "sector, y da prioridad a las organizaciones con sede en el Sur Global."
            ),
        },
        "fr": {
            "focus": "collaborations de données, priorité au Sud global",
            "description": (
                "La troisième cohorte répond à ce que la deuxième nous a appris\u00a0: le réseau "
                "a besoin de plus de voix du Sud global. Elle accueille des collaborations de "
                "données de toute taille et de tout secteur, et donne la priorité aux "
                "organisations dont le siège est dans le Sud global."
            ),
        },
        "pt": {
            "focus": "colaborações de dados, com prioridade para o Sul Global",
            "description": (
                "A terceira coorte responde ao que a segunda nos ensinou: a rede precisa de "
                "mais vozes do Sul Global. Ela acolhe colaborações de dados de todos os "
                "tamanhos e setores, e dá prioridade às organizações com sede no Sul Global."
            ),
        },
    },
}
