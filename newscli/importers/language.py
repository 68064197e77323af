"""What an input says its language is, as a lower-case ISO 639-1 code: `en-US` -> `en`,
`fi_FI` -> `fi`, `fra` -> `fr`, `Deutsch` -> `de`. What cannot be read as one is None, and
the reader keeps the value in `extra`."""

from __future__ import annotations

import re

# ISO 639-1, with the codes it withdrew (iw, in, ji, jw, mo) mapped to their successors.
ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu".split()
)
_WITHDRAWN = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# ISO 639-2 (bibliographic and terminological) codes of the languages news is written in.
_ISO_639_2 = {
    "afr": "af", "alb": "sq", "amh": "am", "ara": "ar", "arm": "hy", "aze": "az", "baq": "eu",
    "bel": "be", "ben": "bn", "bos": "bs", "bul": "bg", "bur": "my", "cat": "ca", "ces": "cs",
    "chi": "zh", "cym": "cy", "cze": "cs", "dan": "da", "deu": "de", "dut": "nl", "ell": "el",
    "eng": "en", "epo": "eo", "est": "et", "eus": "eu", "fas": "fa", "fin": "fi", "fra": "fr",
    "fre": "fr", "geo": "ka", "ger": "de", "gle": "ga", "glg": "gl", "gre": "el", "guj": "gu",
    "hau": "ha", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "hye": "hy", "ibo": "ig",
    "ice": "is", "ind": "id", "isl": "is", "ita": "it", "jpn": "ja", "kan": "kn", "kat": "ka",
    "kaz": "kk", "khm": "km", "kor": "ko", "lao": "lo", "lat": "la", "lav": "lv", "lit": "lt",
    "ltz": "lb", "mac": "mk", "mal": "ml", "mar": "mr", "may": "ms", "mkd": "mk", "mlt": "mt",
    "mon": "mn", "msa": "ms", "mya": "my", "nep": "ne", "nld": "nl", "nno": "nn", "nob": "nb",
    "nor": "no", "pan": "pa", "per": "fa", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro",
    "rus": "ru", "sin": "si", "slk": "sk", "slo": "sk", "slv": "sl", "som": "so", "spa": "es",
    "sqi": "sq", "srp": "sr", "swa": "sw", "swe": "sv", "tam": "ta", "tel": "te", "tgl": "tl",
    "tha": "th", "tur": "tr", "ukr": "uk", "urd": "ur", "uzb": "uz", "vie": "vi", "wel": "cy",
    "xho": "xh", "yor": "yo", "zho": "zh", "zul": "zu",
}  # fmt: skip
# Languages by name, in English and in themselves, as exports write them.
_NAMES = {
    "arabic": "ar", "العربية": "ar", "bengali": "bn", "bulgarian": "bg", "burmese": "my",
    "catalan": "ca", "català": "ca", "chinese": "zh", "中文": "zh", "croatian": "hr",
    "hrvatski": "hr", "czech": "cs", "čeština": "cs", "danish": "da", "dansk": "da",
    "dutch": "nl", "nederlands": "nl", "english": "en", "estonian": "et", "eesti": "et",
    "finnish": "fi", "suomi": "fi", "french": "fr", "français": "fr", "francais": "fr",
    "german": "de", "deutsch": "de", "greek": "el", "ελληνικά": "el", "hebrew": "he",
    "עברית": "he", "hindi": "hi", "हिन्दी": "hi", "hungarian": "hu", "magyar": "hu",
    "icelandic": "is", "íslenska": "is", "indonesian": "id", "bahasa indonesia": "id",
    "irish": "ga", "italian": "it", "italiano": "it", "japanese": "ja", "日本語": "ja",
    "korean": "ko", "한국어": "ko", "latvian": "lv", "latviešu": "lv", "lithuanian": "lt",
    "lietuvių": "lt", "malay": "ms", "norwegian": "no", "norsk": "no", "persian": "fa",
    "farsi": "fa", "فارسی": "fa", "polish": "pl", "polski": "pl", "portuguese": "pt",
    "português": "pt", "romanian": "ro", "română": "ro", "russian": "ru", "русский": "ru",
    "serbian": "sr", "српски": "sr", "slovak": "sk", "slovenčina": "sk", "slovenian": "sl",
    "slovenščina": "sl", "spanish": "es", "español": "es", "espanol": "es", "swahili": "sw",
    "swedish": "sv", "svenska": "sv", "tamil": "ta", "thai": "th", "ไทย": "th",
    "turkish": "tr", "türkçe": "tr", "ukrainian": "uk", "українська": "uk", "urdu": "ur",
    "vietnamese": "vi", "tiếng việt": "vi", "welsh": "cy", "cymraeg": "cy",
}  # fmt: skip
# The language part of a tag: `en-US`, `fi_FI`, `zh-Hans-CN`, `en-us;q=0.9`.
_PRIMARY = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$")


def language_code(value: object) -> str | None:
    """The ISO 639-1 code `value` names (a language tag, code or name), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    # A list (`en, fr`, as Content-Language may give) or a weighted tag: its first language.
    text = re.split(r"[,;]", text, maxsplit=1)[0].strip()
    if not text or len(text) > 40:
        return None
    match = _PRIMARY.match(text)
    if match:
        primary = match[1]
        if primary in ISO_639_1:
            return primary
        return _WITHDRAWN.get(primary) or _ISO_639_2.get(primary)
    return _NAMES.get(" ".join(text.split()))
