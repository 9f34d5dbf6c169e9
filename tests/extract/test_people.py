"""Cast, characters, aliases and director cues (own small examples)."""

from __future__ import annotations

from bot.extract import KnownNames, entry_from_text, extract
from bot.models import Extraction


def run(headline: str, body: str, **kw: object) -> Extraction:
    return extract(entry_from_text(f"{headline}\n\n{body}"), **kw)  # type: ignore[arg-type]


HEAD = "Lantern Road Review: a quiet film about grief"


def test_starrer_headline_and_starring_list() -> None:
    got = run(
        "Lantern Road Review: Meera Shah and Arjun Rao starrer is tender",
        "The film, starring Meera Shah, Arjun Rao and Tabu, is a slow one. Rating: 3/5",
    )
    assert got.cast_names == ["Meera Shah", "Arjun Rao", "Tabu"]


def test_cast_block_with_and_without_characters() -> None:
    got = run(
        HEAD, "Cast: Meera Shah (Anu), Arjun Rao (Dev), Govinda\n\nThe film is slow but moving."
    )
    assert got.cast_names == ["Meera Shah", "Arjun Rao", "Govinda"]
    assert got.characters == {"Anu": "Meera Shah", "Dev": "Arjun Rao"}


def test_character_then_actor_in_brackets() -> None:
    got = run(HEAD, "Anu (Meera Shah) and Dev [Arjun Rao] were lovers once. Rating: 3/5")
    assert got.characters == {"Anu": "Meera Shah", "Dev": "Arjun Rao"}


def test_as_plays_stars_as_and_played_by() -> None:
    body = (
        "Meera Shah plays Anu, a pianist. Arjun Rao stars as K, a drifter. "
        "Dev, played by Rekha, runs the shop. The uncle (played by K. K. Menon) lurks. "
        "Noh Sang-hyun is terrific as Ji Su-ho. Rating: 3/5"
    )
    got = run(HEAD, body)
    assert got.characters == {
        "Anu": "Meera Shah",
        "K": "Arjun Rao",
        "Dev": "Rekha",
        "Ji Su-ho": "Noh Sang-hyun",
    }
    assert "K. K. Menon" in got.cast_names


def test_alias_is_not_a_second_cast_member() -> None:
    got = run(HEAD, "Noh Sang Hyun aka Steve Noh and Geum Sae Rok star as the leads. Rating: 3/5")
    assert got.cast_names == ["Noh Sang Hyun", "Geum Sae Rok"]
    assert got.alias_map == {"Noh Sang Hyun": ["Steve Noh"]}


def test_voice_roles() -> None:
    got = run(HEAD, "Maya Lin voices Blip, a robot. Sadness is voiced by Tom Ray. Rating: 3/5")
    assert got.characters == {"Blip": "Maya Lin", "Sadness": "Tom Ray"}
    assert all(c.voice for c in got.cast)


def test_comparison_and_crew_are_not_cast() -> None:
    body = (
        "Arjun Rao plays Dev. His stillness reminds one of Shah Rukh Khan in Swades. "
        "The music by Amit Trivedi soars and the writing by Juhi Chaturvedi is sharp. "
        "Directed by Kiran Rao, it is a gentle film. Rating: 3/5"
    )
    got = run(HEAD, body)
    assert got.cast_names == ["Arjun Rao"]
    assert got.director == "Kiran Rao"
    swades = [m for m in got.mentions if m.title == "Swades"]
    assert swades and list(swades[0].cast) == ["Shah Rukh Khan"]


def test_director_shapes() -> None:
    assert run(HEAD, "Director: Amar Kaushik\n\nA fine film.").director == "Amar Kaushik"
    assert run(HEAD, "It is helmed by Zoya Akhtar and it shows.").director == "Zoya Akhtar"
    assert run(HEAD, "Directed by Raj Nidimoru and Krishna DK, it zips.").director == (
        "Raj Nidimoru and Krishna DK"
    )
    assert run(HEAD, "Amar Kaushik's Lantern Road opens with a wedding.").director == "Amar Kaushik"
    assert run(HEAD, "A fine, gentle film about grief.").director is None


def test_known_people_recognise_single_names_and_aliases() -> None:
    known = KnownNames({"Demian": [], "Noh Sang Hyun": ["Steve Noh"]})
    got = run(
        HEAD,
        "Steve Noh plays the CEO, and Demian is a delight throughout. Rating: 3/5",
        known_people=known,
    )
    assert got.cast_names == ["Noh Sang Hyun", "Demian"]


def test_known_people_plain_mapping_is_accepted() -> None:
    got = run(HEAD, "Demian is a delight throughout. Rating: 3/5", known_people={"Demian": []})
    assert got.cast_names == ["Demian"]
