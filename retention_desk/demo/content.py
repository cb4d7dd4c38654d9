"""Word pools for the synthetic demo: a fictional agency, fictional residents, fictional places.

Every name here is made up; phone numbers use the 555-01xx range reserved for fiction and
addresses use example.org. Nothing is taken from /work/shared/samples or any real export.
A few strings are deliberately hostile (markup, spreadsheet formulas) so the demo also shows
that the app renders imported text literally.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


AGENCY_NAME = "Sandia Vista Police Department"
CUSTODIAN_NAME = "Rowena Tafoya-Lindqvist"
CUSTODIAN_TITLE = "Records Custodian"
BATES_PREFIX = "SVPD"
CITY = "Sandia Vista"
NON_EMERGENCY = "505-555-0142"

STREETS = (
    "Camino del Sol",
    "Mesa Verde Blvd",
    "Piñon Ridge Rd",
    "Old Acequia Ln",
    "Cottonwood Loop",
    "Turquoise Trail Ave",
    "Arroyo Seco Dr",
    "Calle Luna",
    "Juniper Hills Pkwy",
    "Bosque Vista St",
)
PLACES = (
    "Vista Community Center",
    "Lomas Park",
    "the Eastside Library",
    "Rio Arriba Elementary",
    "the Sandia Vista Farmers Market",
    "Station 2 on Mesa Verde Blvd",
    "Cottonwood Plaza",
)

FIRST_NAMES = _words(
    "Alma Benicio Carmela Dario Esperanza Fidel Graciela Hollis Inez Jaron Katya Lorenzo "
    "Marisol Nestor Odalys Paloma Quinlan Rafaela Soren Tomasa Ulises Valeria Wendell "
    "Ximena Yolotzin Zebulon Ainsley Brisa Cruz Delphine Emeric Fabiola Gideon Harlow "
    "Itzel Joaquín Kestrel Leocadia Maximo Noelani"
)
LAST_NAMES = _words(
    "Abeyta-Voss Benavidez-Hart Candelario Duran-Okafor Esquibel Fresquez Gallegos-Ring "
    "Holloway Ibarra-Stone Jaramillo Kowalczyk Lucero-Vance Montoya-Pryce Naranjo "
    "Ortega-Blum Padilla-Kerr Quintanar Rael-Hudson Sisneros Trujillo-Marsh Ulibarri "
    "Valdez-Crane Whitcombe Yazzie-Lund Zamora-Pike Archuleta Baca-Fenwick Chavez-Ostrom "
    "Dominguez-Rye Espinoza"
)

# One resident whose display name carries markup: it must show literally, never bold.
HOSTILE_AUTHOR = "<b>Chris</b> Dominguez-Rye"

POST_TEMPLATES = (
    "Traffic advisory: {street} will be closed between {street2} and {place} from 8 a.m. to"
    " 3 p.m. on {day} for utility work. Please plan an alternate route.",
    "Join us for Coffee with a Cop at {place} this {day}, 9–11 a.m. Bring your questions,"
    " we'll bring the coffee. ☕",
    "FOUND DOG near {street}: brown and white, friendly, blue collar with no tags. Call"
    " Animal Services at {phone} if you recognize this pup.",
    "Reminder: lock your vehicles and take valuables inside. We've had {n} car break-ins"
    " reported near {street} this week.",
    "National Night Out is coming to {place}! Food trucks, K-9 demo and the bike unit."
    " Free for the whole family.",
    "Road conditions: icy patches reported on {street} and {street2}. Slow down and leave"
    " extra distance.",
    "We're hiring! Police Service Aides and Dispatchers. Information session at {place}"
    " on {day}. Apply at careers.sandiavista.example.org.",
    "Congratulations to the {n} graduates of our Citizens Police Academy, class of {year}!",
    "Scam alert: callers claiming to be SVPD officers are demanding gift cards. We will"
    " NEVER ask for payment by phone. Report scams to {phone}.",
    "Thank you to the volunteers who helped clean up {place} on Saturday. {n} bags of"
    " trash collected!",
    "Shelter-in-place lifted near {street}. The situation is resolved and there is no"
    " danger to the public. Thank you for your patience.",
    "Back-to-school safety: school zones on {street} are active from 7:15 a.m. Watch for"
    " crossing guards and little ones.",
    "Tip of the week: record the serial numbers of bikes, tools and electronics. It helps"
    " us return stolen property.",
    "Fireworks are illegal within Sandia Vista city limits during fire restrictions."
    " Report violations to the non-emergency line {phone}.",
    "¡Gracias a todos los que vinieron al evento comunitario en {place}! Nos vemos el"
    " próximo {day}.",
)
YOUTUBE_TITLES = (
    "Chief's monthly update — {month} {year}",
    "Citizens Police Academy {year}: graduation highlights",
    "How to report a non-emergency incident online",
    "K-9 unit demonstration at {place}",
    "Winter driving safety on {street}",
    "Meet your district officers: Eastside",
    "Scam awareness: what SVPD will never ask you",
)
COMMENTS = (
    "Thank you for keeping us informed!",
    "Is {street} open again yet?",
    "Great job, officers. 👏",
    "My neighbor saw something similar on {street} last night.",
    "Why is nobody doing anything about speeding on {street}??",
    "Will this be posted in Spanish too?",
    "Gracias por la información.",
    "We need more patrols near {place}, it's been bad lately.",
    "Shared with my neighborhood group.",
    "Who do I call about a noise complaint that isn't an emergency?",
    "That's my dog!! Calling now, thank you!!!",
    "Looks like a great event, sorry I missed it.",
    "Stay safe out there 💙",
    "How do I get a copy of a police report?",
    "The light at {street} and {street2} has been out for a week.",
    "Can you share the times again? The post cut off on my phone.",
    "This is why I love this town.",
    "Any update on the break-ins near {place}?",
    "Please slow down on {street}, kids walk there every morning.",
    "Does the academy have evening classes?",
    "<b>not bold</b> just testing what this page does with tags",
    "=1+1",
    '=HYPERLINK("http://example.invalid","click here")',
    "@SUM(1) lol",
    "<script>alert('hi')</script> nice try",
    "Fish & chips < tacos > burgers, fight me",
    "Ñandú sighting at {place}?! 🐦 (just kidding, it was a roadrunner)",
    "  extra   spaces   and\ttabs\tin\tthis one  ",
    "first line\nsecond line\nthird line",
    # residents post their own identifiers (all fictional: an SSN in a valid range that was
    # never issued to anyone real is not knowable, so these are the well-known sample values)
    "My SSN is 123-45-6789, please fix my report, my DOB is March 14, 1987",
    "I paid the fine with card 4111 1111 1111 1111 and it still says unpaid??",
    "Mi fecha de nacimiento es 14 de marzo de 1987, ¿dónde recojo el reporte?",
)
AGENCY_REPLIES = (
    "Thanks for letting us know. Please call our non-emergency line at {phone} so an"
    " officer can follow up.",
    "It reopened this afternoon. Thanks for your patience!",
    "You can request reports through our Records Unit at records@sandiavista.example.org.",
    "We've passed this along to the traffic unit.",
    "Sí, publicaremos la información en español también.",
    "Glad to hear it! 🐾",
)
REPLIES = (
    "Same here.",
    "Agreed!",
    "They already answered this above.",
    "Call {phone}, they were helpful when I called.",
    "It was open when I drove by at noon.",
    "+1",
)
EDIT_SUFFIXES = (
    " (Edited: corrected the date.)",
    " UPDATE: this has been resolved.",
    " [edited for typo]",
    " — edit: thanks everyone for sharing!",
)
DM_LINES = (
    "Hi, I think someone has been going through cars on {street} at night.",
    "Is there a way to report this without giving my name?",
    "My contact is resident{n}@example.org if you need more.",
    "Thank you for your message. For emergencies call 911. An officer will contact you"
    " about the report.",
    "Can I get a copy of the accident report from last {day}?",
    "Records requests go to records@sandiavista.example.org. We'll reply within 3 business days.",
    "I found a wallet near {place}, where can I drop it off?",
    "You can bring it to the front desk at Station 2, open 8–5.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = _words(
    "January February March April May June July August September October November December"
)

# ---------------------------------------------------------------- Oversight page (issue 15)
# The registry: what the custodian keeps about each official account, keyed by account_key
# (generate.ACCOUNTS): department, page URL, purpose, the day the account was opened.
ACCOUNT_REGISTRY = {
    "100064511200731": (
        "Public Information Office",
        "https://www.facebook.com/SandiaVistaPD",
        "News, safety alerts and community events from the department",
        "2019-02-20",
    ),
    "100069027745518": (
        "Community Outreach Unit",
        "https://www.facebook.com/SVPDCommunity",
        "Neighborhood watch, youth programs and outreach events",
        "2019-03-10",
    ),
    "1187340559012442113": (
        "Public Information Office",
        "https://x.com/SandiaVistaPD",
        "Traffic and safety alerts, press releases",
        "2019-02-25",
    ),
    "52280931447": (
        "Public Information Office",
        "https://www.instagram.com/sandiavistapd/",
        "Photos of community events and recruitment",
        "2019-05-01",
    ),
    "UCx3vS9dQk2mSandiaVistaPD": (
        "Public Information Office",
        "https://www.youtube.com/@SandiaVistaPD",
        "Recorded briefings and safety videos",
        "2019-04-10",
    ),
}
# the YouTube channel was retired after its last upload; its records stay in the archive
RETIRED_ACCOUNT = ("UCx3vS9dQk2mSandiaVistaPD", "2024-10-31")
APPROVER = "Chief Anselmo Gurulé (fictional)"

# (name, department, e-mail, platform names and bylines)
STAFF = (
    ("Lucinda Maestas-Ruiz", "Public Information Office", "lmaestas@sandiavista.example",
     ("lmaestas_svpd", "Lucinda M.")),
    ("Ezequiel Tapia", "Community Outreach Unit", "etapia@sandiavista.example",
     ("ezequiel.svpd",)),
    ("Marguerite Yazzie-Holm", "Public Information Office", "myazzie@sandiavista.example",
     ("MYazzieHolm",)),
    ("Dominic Archibeque", "Patrol Division", "darchibeque@sandiavista.example",
     ("Ofc. Archibeque", "darchibeque_svpd")),
    ("Priya Valdez-Okafor", "Records Section", "pvaldez@sandiavista.example", ()),
)  # fmt: skip

# The agency's page texts, as the policies' statements would be checked against them.
FACEBOOK_ABOUT = (
    "Official page of the Sandia Vista Police Department (fictional). This page is not"
    " monitored 24/7: if you have an emergency, call 911. Non-emergency line: 505-555-0142.\n\n"
    "Comment policy: posted comments are monitored, and the department reserves the right to"
    " remove obscenities, off-topic comments and personal attacks. Comments that are off topic"
    " or inappropriate are subject to removal at the department's sole discretion. The"
    " opinions expressed by visitors do not reflect the opinion of the department.\n\n"
    "Public records: anything posted here, or submitted for posting, is subject to public"
    " disclosure under the Inspection of Public Records Act. Requests go to the custodian of"
    " public records, records@sandiavista.example."
)
# the X bio lacks the comment policy and the public-records wording (the check shows both)
X_BIO = (
    "Official account of the Sandia Vista Police Department (fictional). Not monitored 24/7"
    " \u2014 in an emergency call 911. Non-emergency: 505-555-0142."
)
X_LOCATION = "Sandia Vista, NM"
X_WEBSITE = "https://police.sandiavista.example"
INSTAGRAM_CAPTURE_URL = "https://www.instagram.com/sandiavistapd/"
INSTAGRAM_CAPTURE_TEXT = (
    "sandiavistapd \u00b7 Sandia Vista Police Department (fictional)\n"
    "Community events, recruitment and safety tips. This account is not monitored 24/7;"
    " for emergencies dial 911.\n110 posts"
)

# Moderation reasons, by the policies' category codes (nm-dps-opr-37, las-cruces-cmp-1-12)
MODERATION_REASONS = (
    ("dps-personal-attacks", "Name-calling aimed at another commenter."),
    ("dps-off-topic", "Advertised an unrelated event; nothing to do with the post."),
    ("lc-commerce", "Sales pitch with a link to a store."),
    ("dps-obscenities", "Profanity in the first line."),
    ("lc-threats", "Threatened a named neighbor."),
    ("lc-safety-security", "Posted the schedule of officers on patrol."),
    ("lc-off-topic", "Repeated the same unrelated complaint on several posts."),
)
REPORTED_REASON = (
    "lc-defamatory",
    "Reported to the platform as harassment; kept on the page (CMP 1.12: don't delete, report).",
)
AUTHOR_DELETION = "The commenter deleted their own comment."
MODERATORS = ("Lucinda Maestas-Ruiz", "Marguerite Yazzie-Holm")
