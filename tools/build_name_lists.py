"""Rebuild src/tandem/analysis/data/names.yaml, the name lists behind `tandem.analysis.redaction`.

Run by hand when the lists should change (not at run time, not in CI):

    apt-get install wbritish-small   # SCOWL British English (small), /usr/share/dict/british-english-small
    python tools/build_name_lists.py

Sources (both installed with the development dependencies or from Debian, nothing downloaded):

- Given names and surnames: the person providers of Faker (MIT licence; factory_boy's dependency),
  locales en_GB (ONS baby-name tables), en_IE, en_IN, en_PK, en_NG, pl_PL and en_US, chosen for the
  names common in the NHS workforce; plus `EXTRA_GIVEN` / `EXTRA_SURNAMES` below.
- Common words: the lower-case entries of SCOWL's small British English list (Debian
  `wbritish-small`), less `NAMES_FIRST`: a name
  that is also an English word ("Grace", "Will", "Long") is marked, so that the redactor treats it
  as a name only where it cannot be the word (see `tandem.analysis.redaction`).
"""

from __future__ import annotations

import importlib
import unicodedata
from pathlib import Path

import yaml

GIVEN_LOCALES = ("en_GB", "en_IE", "en_IN", "en_PK", "en_NG", "pl_PL", "en_US")
SURNAME_LOCALES = ("en_GB", "en_IE", "en_IN", "en_NG", "en_US")
# Names common among NHS staff that the locales above miss (West African, Filipino, Arabic,
# Chinese, South Asian and Eastern European names), added by hand.
EXTRA_GIVEN = """
Abena Adaeze Adebayo Adeola Adewale Ama Amaka Babajide Bisi Bola Chiamaka Chidi Chidinma Chike
Chinedu Chioma Chukwuemeka Efua Ekene Emeka Femi Folake Funmi Ifeoma Ikenna Kemi Kofi Kwabena
Kwame Kwesi Ngozi Nkechi Nnamdi Obinna Olu Oluwaseun Oluwatobi Segun Tobi Tolu Tunde Uche Yaw
Yetunde Zainab Maricel Rowena Marites Jocelyn Rodel Jericho Analyn Arlene Rommel Mohammed Muhammad
Mohammad Ahmed Ahmad Fatima Fatimah Aisha Ayesha Khadija Yusuf Yousef Omar Hamza Hassan Hussain
Ibrahim Ismail Mustafa Tariq Bilal Imran Irfan Nadia Samira Layla Leila Mei Wei Jing Xiao Ying Hui
Yan Ming Jun Chen Priya Anjali Deepa Sunita Rajesh Ravi Sanjay Suresh Vikram Arjun Rohan Nikhil
Sandeep Gurpreet Harpreet Manpreet Jaspreet Simran Sukhwinder Baljit Kiran Zoltan Katarzyna
Agnieszka Magdalena Tomasz Piotr Krzysztof Andrei Mihai Ioana Elena Dimitri Olena Oksana Siobhan
Niamh Aoife Saoirse Ciaran Eoin Padraig Sinead Roisin Caoimhe Oisin Cormac Rhys Gethin Sian Ffion
Cerys Dafydd Iwan Morag Eilidh Iain Hamish Ailsa Mhairi
"""
EXTRA_SURNAMES = """
Okafor Okonkwo Adeyemi Adebayo Okoro Obi Nwosu Eze Chukwu Mensah Boateng Owusu Asante Osei Agyeman
Acheampong Danso Appiah Ogunleye Oyelaran Balogun Olaniyan Adeleke Santos Reyes Cruz Bautista
Dela Ocampo Mendoza Aquino Villanueva Khan Ahmed Hussain Ali Rahman Iqbal Chaudhry Choudhury Akhtar
Begum Malik Siddiqui Qureshi Sheikh Raza Butt Mahmood Shah Patel Sharma Singh Gupta Kumar Mehta
Desai Joshi Rao Reddy Nair Menon Pillai Iyer Chatterjee Banerjee Mukherjee Das Bose Sandhu Gill
Dhillon Sidhu Grewal Bains Kaur Chen Wang Zhang Liu Huang Zhao Yang Zhou Xu Sun Lin Wong Cheung
Chan Leung Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski Popescu Ionescu Novak
Horvath Murphy Kelly O'Brien O'Neill O'Connor O'Sullivan McCarthy McDonald MacDonald MacLeod
"""
# Words that are in a list but, in this domain's writing, are never a person when they stand alone:
# redacting them would blank the words the quotations are about. A title before them still makes
# them a name ("Dr Ward"), and ward names are redacted by their own rule.
NOT_NAMES = {
    "ward",
    "trust",
    "team",
    "board",
    "nurse",
    "doctor",
    "sister",
    "matron",
    "unit",
    "service",
    "services",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "july",
    "september",
    "october",
    "november",
    "december",
    "christmas",
    "easter",
    "england",
    "wales",
    "scotland",
    "ireland",
    "london",
    "english",
    "british",
    "irish",
    "welsh",
    "scottish",
    "covid",
    "god",
    "lord",
    "lady",
    "sir",
    "dame",
    "king",
    "queen",
    "prince",
    "princess",
    "doe",
    "do",
    "so",
    "nhs",
    "finance",
    "estates",
    "pharmacy",
    "the",
    "and",
}

# Names that are also dictionary words, but far more often names, even at the start of a sentence
# ("Smith said", "Turner's team"): kept off the common words, so they are names wherever they stand.
NAMES_FIRST = set(
    str.split(
        """
    smith harry peter peters mike sally carol maria patty martin turner wright miller walker baker
    cooper fisher mason foster butler carpenter archer parsons porter potter shepherd weaver tanner
    fuller watts hicks stokes sellers sears grimes hardy manning downing browning fielding gunning
    fanning canning burrows brooks hays cousins chambers shields meadows newton lynch levy lee dean
    derrick earl glen jay lance victor wade warren barber bishop booth bray bush cox crane hale
    hart heath hicks hull knight lamb marsh mills moss pierce reed rice savage stark steward storey
    wells wolf wren woods young sherry raven roach hunter barman blanch bowler brandy daisy dawn
    deacon drew duke eve frank gene guy hazel heather holly ivory jade jack joy lacy melody misty
    patience penny robin rosemary sandy summers valentine winters
    """
    )
)

DATA = Path(__file__).resolve().parents[1] / "src" / "tandem" / "analysis" / "data" / "names.yaml"


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFD", c)[0] for c in text)


def clean(names: set[str]) -> list[str]:
    kept = set()
    for name in names:
        name = fold(name.strip())
        alphabetic = name.replace("'", "").replace("-", "").isalpha()
        if len(name) >= 3 and alphabetic and name.lower() not in NOT_NAMES:
            kept.add(name[0].upper() + name[1:])
    return sorted(kept, key=str.lower)


def provider(locale: str) -> type:
    return importlib.import_module(f"faker.providers.person.{locale}").Provider  # type: ignore[no-any-return]


def main() -> None:
    given: set[str] = set(EXTRA_GIVEN.split())
    for locale in GIVEN_LOCALES:
        p = provider(locale)
        for attr in ("first_names_male", "first_names_female", "first_names"):
            given.update(getattr(p, attr, ()))
    surnames: set[str] = set(EXTRA_SURNAMES.split())
    for locale in SURNAME_LOCALES:
        surnames.update(getattr(provider(locale), "last_names", ()))
    words = {
        line.strip()
        for line in Path("/usr/share/dict/british-english-small").read_text().splitlines()
        if line.strip() and line.strip().islower() and "'" not in line
    }
    given_list, surname_list = clean(given), clean(surnames)
    common = sorted(
        {n.lower() for n in given_list + surname_list if n.lower() in words} - NAMES_FIRST
    )
    DATA.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Name lists for tandem.analysis.redaction. Generated by tools/build_name_lists.py: edit\n"
        "# that script and run it again, rather than this file.\n"
    )
    body = yaml.safe_dump(
        {
            "source": (
                "Faker person providers (MIT licence) for locales "
                + ", ".join(sorted(set(GIVEN_LOCALES) | set(SURNAME_LOCALES)))
                + " (en_GB from the ONS baby-name reference tables), plus names added by hand;"
                " common words from SCOWL's small British English list (Debian wbritish-small), less the names that are names first."
            ),
            "given_names": given_list,
            "surnames": surname_list,
            "common_words": common,
        },
        allow_unicode=True,
        width=100,
        sort_keys=False,
    )
    DATA.write_text(header + body, encoding="utf-8")
    print(
        f"{len(given_list)} given names, {len(surname_list)} surnames, {len(common)} common words"
    )


if __name__ == "__main__":
    main()
