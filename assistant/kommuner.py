"""The 290 Swedish municipalities, so a question about one the corpus lacks can be refused."""

import re

# Two-word names are written with "_" in the table below, e.g. "Upplands_Väsby".
_TABLE = """
    Botkyrka Danderyd Ekerö Haninge Huddinge Järfälla Lidingö Nacka Norrtälje Nykvarn Nynäshamn
    Salem Sigtuna Sollentuna Solna Stockholm Sundbyberg Södertälje Tyresö Täby Upplands-Bro
    Upplands_Väsby Vallentuna Vaxholm Värmdö Österåker
    Enköping Heby Håbo Knivsta Tierp Uppsala Älvkarleby Östhammar
    Eskilstuna Flen Gnesta Katrineholm Nyköping Oxelösund Strängnäs Trosa Vingåker
    Boxholm Finspång Kinda Linköping Mjölby Motala Norrköping Söderköping Vadstena Valdemarsvik
    Ydre Åtvidaberg Ödeshög
    Aneby Eksjö Gislaved Gnosjö Habo Jönköping Mullsjö Nässjö Sävsjö Tranås Vaggeryd Vetlanda Värnamo
    Alvesta Lessebo Ljungby Markaryd Tingsryd Uppvidinge Växjö Älmhult
    Borgholm Emmaboda Hultsfred Högsby Kalmar Mönsterås Mörbylånga Nybro Oskarshamn Torsås
    Vimmerby Västervik
    Gotland
    Karlshamn Karlskrona Olofström Ronneby Sölvesborg
    Bjuv Bromölla Burlöv Båstad Eslöv Helsingborg Hässleholm Höganäs Hörby Höör Klippan Kristianstad
    Kävlinge Landskrona Lomma Lund Malmö Osby Perstorp Simrishamn Sjöbo Skurup Staffanstorp Svalöv
    Svedala Tomelilla Trelleborg Vellinge Ystad Åstorp Ängelholm Örkelljunga Östra_Göinge
    Falkenberg Halmstad Hylte Kungsbacka Laholm Varberg
    Ale Alingsås Bengtsfors Bollebygd Borås Dals-Ed Essunga Falköping Färgelanda Grästorp Gullspång
    Göteborg Götene Herrljunga Hjo Härryda Karlsborg Kungälv Lerum Lidköping Lilla_Edet Lysekil
    Mariestad Mark Mellerud Munkedal Mölndal Orust Partille Skara Skövde Sotenäs Stenungsund
    Strömstad Svenljunga Tanum Tibro Tidaholm Tjörn Tranemo Trollhättan Töreboda Uddevalla Ulricehamn
    Vara Vårgårda Vänersborg Åmål Öckerö
    Arvika Eda Filipstad Forshaga Grums Hagfors Hammarö Karlstad Kil Kristinehamn Munkfors Storfors
    Sunne Säffle Torsby Årjäng
    Askersund Degerfors Hallsberg Hällefors Karlskoga Kumla Laxå Lekeberg Lindesberg Ljusnarsberg
    Nora Örebro
    Arboga Fagersta Hallstahammar Kungsör Köping Norberg Sala Skinnskatteberg Surahammar Västerås
    Avesta Borlänge Falun Gagnef Hedemora Leksand Ludvika Malung-Sälen Mora Orsa Rättvik Smedjebacken
    Säter Vansbro Älvdalen
    Bollnäs Gävle Hofors Hudiksvall Ljusdal Nordanstig Ockelbo Ovanåker Sandviken Söderhamn
    Härnösand Kramfors Sollefteå Sundsvall Timrå Ånge Örnsköldsvik
    Berg Bräcke Härjedalen Krokom Ragunda Strömsund Åre Östersund
    Bjurholm Dorotea Lycksele Malå Nordmaling Norsjö Robertsfors Skellefteå Sorsele Storuman Umeå
    Vilhelmina Vindeln Vännäs Åsele
    Arjeplog Arvidsjaur Boden Gällivare Haparanda Jokkmokk Kalix Kiruna Luleå Pajala Piteå Älvsbyn
    Överkalix Övertorneå
    """

KOMMUNER: frozenset[str] = frozenset(name.replace("_", " ") for name in _TABLE.split())

_BODY = re.compile("(" + "|".join(re.escape(k.lower()) for k in sorted(KOMMUNER, key=len, reverse=True))
                   + r")(nämnd|styrelse|fullmäktige)\w*$")


def kommun_body(word: str) -> str | None:
    """The kommun a "<kommun>nämnden" word names ("Tyresönämndens" -> "tyresö"), which the documents call by the
    nämnd's own name; None for any other word."""
    match = _BODY.match(word.lower())
    return match.group(1) if match else None
