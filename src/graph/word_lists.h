// Word lists of the keyphrase extractor. Every word is lower case ASCII,
// and lookups expect case-folded words.
#pragma once

#include <string_view>

namespace talegraph::graph {

// English function words, contractions, number words, common adjectives
// and common verbs ("said", "went"), which never start or continue a
// phrase.
bool IsStopword(std::string_view word);

// Sounds and single words of hesitation in speech ("um", "uh", "like").
bool IsFillerWord(std::string_view word);

// Two-word fillers of speech ("you know", "kind of", "i mean").
bool IsFillerPair(std::string_view first, std::string_view second);

// Kinship titles and forms of address that name a person when a name
// follows them, in any casing: "aunt", "uncle", "grandma", "mr", "mister".
bool IsPersonTitle(std::string_view word);

// Family titles among the person titles ("aunt", "grandpa", "cousin", and
// "sister" and "brother" before a capitalized name), which name the
// relation rather than the person, unlike "mr" or "doctor".
bool IsKinshipTitle(std::string_view word);

// Words that are a title only before a capitalized name, because alone they
// are common nouns: "father" in "Father Murphy", "doctor" in "Doctor Lee".
bool IsCasedPersonTitle(std::string_view word);

// Common English first names that are not also common words, so that a
// lower-case transcript still yields person names.
bool IsFirstName(std::string_view word);

// Nouns for places ("farm", "church", "lake"): a phrase ending in one is a
// place.
bool IsPlaceNoun(std::string_view word);

// Countries, US states and large cities, of one word or two words joined by
// one space ("new york").
bool IsPlaceName(std::string_view name);

// Family words ("father", "aunt", "son"): a phrase ending in one is a
// person.
bool IsKinshipWord(std::string_view word);

// Prepositions after which a name is taken as a place: "in", "to", "from",
// "at", "near".
bool IsPlacePreposition(std::string_view word);

// Decade words such as "sixties", a time after "the".
bool IsDecadeWord(std::string_view word);

// Months, days of the week, seasons and holidays ("march", "christmas"),
// which are times even when capitalized after "in" or "at".
bool IsCalendarWord(std::string_view word);

// Abbreviations whose period does not end a sentence ("mr", "dr", "st").
bool IsAbbreviation(std::string_view word);

}  // namespace talegraph::graph
