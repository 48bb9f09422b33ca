"""A small built-in list of places, demonyms and titles used to clean up names.

It fixes what a statistical model gets wrong ("Kyiv" as a person) and gives the rules-only
extractor something to stand on when spaCy is not installed. The site's own
``content/locations/*.md`` always come first.
"""

from __future__ import annotations

COUNTRIES = """Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria
Azerbaijan Bahrain Bangladesh Belarus Belgium Belize Benin Bhutan Bolivia Botswana Brazil Brunei
Bulgaria Burkina_Faso Burundi Cambodia Cameroon Canada Chad Chile China Colombia Congo Croatia
Cuba Cyprus Czechia Czech_Republic Denmark Djibouti Ecuador Egypt El_Salvador Eritrea Estonia
Ethiopia Finland France Gabon Gambia Georgia Germany Ghana Greece Guatemala Guinea Haiti Honduras
Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan Jordan Kazakhstan
Kenya Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Liberia Libya Lithuania Luxembourg Madagascar
Malawi Malaysia Mali Malta Mauritania Mexico Moldova Monaco Mongolia Montenegro Morocco
Mozambique Myanmar Namibia Nepal Netherlands New_Zealand Nicaragua Niger Nigeria North_Korea
North_Macedonia Norway Oman Pakistan Palestine Panama Paraguay Peru Philippines Poland Portugal
Qatar Romania Russia Rwanda Saudi_Arabia Senegal Serbia Sierra_Leone Singapore Slovakia Slovenia
Somalia South_Africa South_Korea South_Sudan Spain Sri_Lanka Sudan Sweden Switzerland Syria
Taiwan Tajikistan Tanzania Thailand Togo Tunisia Turkey Turkmenistan Uganda Ukraine
United_Arab_Emirates United_Kingdom United_States Uruguay Uzbekistan Venezuela Vietnam Yemen
Zambia Zimbabwe Britain England Scotland Wales Vatican""".replace("_", " ").split()

CITIES = """Kyiv Kiev Moscow Washington London Paris Berlin Brussels Rome Madrid Warsaw Vienna
Geneva Istanbul Ankara Beijing Tokyo Delhi New_Delhi Mumbai Tehran Baghdad Damascus Beirut
Jerusalem Tel_Aviv Gaza Cairo Riyadh Doha Dubai Abu_Dhabi Minsk Kharkiv Odesa Odessa Lviv
Dnipro Mariupol Zaporizhzhia Kherson Donetsk Luhansk Bakhmut Avdiivka Sevastopol Crimea Donbas
Miami New_York Los_Angeles Chicago Boston San_Francisco Seattle Houston Dallas Atlanta Denver
Philadelphia Phoenix Helsinki Stockholm Oslo Copenhagen Amsterdam The_Hague Prague Budapest
Bucharest Sofia Belgrade Athens Lisbon Dublin Edinburgh Munich Frankfurt Hamburg Milan Vilnius
Riga Tallinn Chisinau Tbilisi Yerevan Baku Astana Tashkent Kabul Islamabad Karachi Dhaka
Bangkok Hanoi Manila Jakarta Singapore Seoul Pyongyang Shanghai Hong_Kong Taipei Sydney
Melbourne Toronto Ottawa Montreal Vancouver Mexico_City Havana Caracas Bogota Lima Santiago
Buenos_Aires Brasilia Rio_de_Janeiro Sao_Paulo Nairobi Lagos Addis_Ababa Johannesburg
Cape_Town Khartoum Tripoli Tunis Algiers Rabat Davos Munich Alaska Anchorage""".replace(
    "_", " "
).split()

REGIONS = """Europe Asia Africa North_America South_America Latin_America Middle_East Gulf
Balkans Baltics Caucasus Scandinavia Siberia Arctic Antarctica Kashmir West_Bank Golan_Heights
Black_Sea Baltic_Sea Mediterranean Red_Sea Florida California Texas New_York_State Virginia
Maryland Georgia Ohio Michigan Pennsylvania Arizona Nevada Illinois Massachusetts Kursk Belgorod
Bavaria Catalonia Kurdistan Tigray Darfur Sahel Pacific Atlantic""".replace("_", " ").split()

UNITED_STATES = "United States"
US_FORMS = {
    "us",
    "u.s.",
    "u.s",
    "usa",
    "u.s.a.",
    "america",
    "american",
    "americans",
    "united states",
    "the united states",
    "united states of america",
}

DEMONYMS = {
    w.lower()
    for w in """Ukrainian Ukrainians Russian Russians European Europeans
British French German Germans Chinese Israeli Israelis Palestinian Palestinians Iranian Iranians
Iraqi Syrian Turkish Polish Italian Spanish Japanese Korean Indian Pakistani Saudi Qatari Emirati
Egyptian Belarusian Georgian Hungarian Romanian Moldovan Baltic Western Eastern Soviet Arab Arabs
Kurdish Kurds Canadian Australian Mexican Brazilian African Asian Swiss Dutch Swedish Finnish
Norwegian Danish Greek Austrian Czech Slovak Serbian Croatian Lithuanian Latvian Estonian
Republican Republicans Democrat Democrats Democratic Western Muslim Christian Jewish Catholic
Orthodox Sunni Shia""".split()
}

# Titles and roles that precede a name; kept as the person's role, never part of the name.
TITLES = sorted(
    """President|Vice President|Prime Minister|Deputy Prime Minister|Secretary of State|
Secretary of Defense|Defense Secretary|Defence Secretary|Foreign Secretary|Home Secretary|
Secretary|Foreign Minister|Defence Minister|Defense Minister|Finance Minister|Minister|
Chancellor|Senator|Sen.|Representative|Rep.|Governor|Gov.|Mayor|General|Gen.|Admiral|Adm.|
Colonel|Col.|Lieutenant|Lt.|Captain|Capt.|Commander|Major|Sergeant|Dr.|Mr.|Mrs.|Ms.|Miss|Prof.|
Professor|King|Queen|Prince|Princess|Pope|Sheikh|Ambassador|Envoy|Special Envoy|special envoy|
envoy|negotiator|chief negotiator|lead negotiator|spokesman|spokeswoman|spokesperson|
Spokesman|Spokeswoman|adviser|advisor|Adviser|aide|CEO|Chief Executive|chairman|chairwoman|
Chairman|Chairwoman|Chair|leader|Leader|Director|director|Judge|Justice|Chief Justice|Speaker|
House Speaker|Senate Majority Leader|Majority Leader|Minority Leader|Attorney General|
Press Secretary|press secretary|Commissioner|commissioner|Marshal|Patriarch|Archbishop|Bishop|
Rabbi|Imam|Ayatollah|Supreme Leader|Crown Prince|Emir|Sultan|tycoon|billionaire|businessman|
businesswoman|official|diplomat|correspondent|reporter|analyst|lawyer|attorney|founder|
son-in-law|daughter|son|wife|husband|former|President-elect|President-Elect""".replace(
        "\n", ""
    ).split("|"),
    key=len,
    reverse=True,
)

FRAGMENTS = {
    w.lower()
    for w in """State Secretary Minister President Ministry Department
Unchanged Position Key Developments Road Ahead Update Updates Breaking Analysis Opinion Editorial
Reuters AP AFP Associated Press Getty Images Photo Video Live Watch Read More Advertisement
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Today Yesterday Tomorrow Christmas New Year
Easter Ramadan World War II World War I Cold War""".split()
}
FRAGMENT_PHRASES = {
    "unchanged position",
    "key developments",
    "the road ahead",
    "road ahead",
    "world war ii",
    "world war i",
    "world war two",
    "cold war",
    "new year",
    "secretary of state",
    "associated press",
    "getty images",
    "read more",
}

ORG_WORDS = {
    w.lower()
    for w in """Ministry Department Council Commission Committee Party Union
Bank Agency Institute University College School Army Navy Forces Force Guard Guards Corps
Company Corporation Corp Corp. Inc Inc. Ltd Group Organization Organisation Office Court Parliament
Congress Senate House Assembly Kremlin Pentagon Foundation Association Federation Alliance
Service Services Administration Police Bureau Authority Fund Network News Times Post Journal
Telegram Reuters Agency Club Front Movement Brigade Battalion Regiment Church Airlines Group
Security Intelligence Treaty Coalition Cabinet Duma Rada Knesset Bundestag Reserve""".split()
}

PLACE_WORDS = {
    w.lower()
    for w in """Beach City County Island Islands River Sea Ocean Mountains
Mountain Valley Bay Province Region Oblast Krai Street Square Airport Port Harbor Harbour Lake
Peninsula Strait Gulf Coast Desert Heights District Oblast Canal Bridge""".split()
}

LOCATION_KIND = {}
for _name in COUNTRIES:
    LOCATION_KIND[_name.lower()] = "country"
for _name in CITIES:
    LOCATION_KIND.setdefault(_name.lower(), "city")
for _name in REGIONS:
    LOCATION_KIND.setdefault(_name.lower(), "region")
LOCATION_KIND["united states"] = "country"
LOCATION_KIND["crimea"] = "region"
LOCATION_KIND["donbas"] = "region"
LOCATION_KIND["gaza"] = "region"
