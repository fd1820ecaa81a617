#include "graph/word_lists.h"

#include <string>
#include <unordered_set>

namespace talegraph::graph {

namespace {

using WordSet = std::unordered_set<std::string_view>;

const WordSet& Stopwords() {
  static const WordSet words = {
      // Articles, pronouns and determiners.
      "a", "an", "the", "this", "that", "these", "those", "i", "me", "my", "mine", "myself", "we",
      "us", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves", "he",
      "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they",
      "them", "their", "theirs", "themselves", "who", "whom", "whose", "which", "what", "whatever",
      "whoever", "each", "every", "either", "neither", "some", "any", "all", "both", "few", "many",
      "much", "more", "most", "less", "least", "other", "another", "such", "own", "same", "no",
      "none", "nobody", "nothing", "somebody", "someone", "something", "anybody", "anyone",
      "anything", "everybody", "everyone", "everything", "one", "ones",
      // Prepositions and conjunctions.
      "of", "in", "on", "at", "to", "from", "by", "with", "without", "about", "above", "below",
      "over", "under", "into", "onto", "out", "off", "up", "down", "through", "across", "along",
      "around", "after", "before", "behind", "between", "beyond", "during", "for", "against",
      "among", "near", "toward", "towards", "upon", "within", "via", "and", "or", "but", "nor",
      "so", "yet", "if", "then", "than", "because", "since", "while", "until", "till", "unless",
      "although", "though", "whether", "as", "like",
      // Auxiliary and common verbs of telling.
      "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
      "does", "did", "doing", "done", "will", "would", "shall", "should", "can", "could", "may",
      "might", "must", "ought", "get", "gets", "got", "gotten", "getting", "go", "goes", "went",
      "gone", "going", "come", "comes", "came", "coming", "say", "says", "said", "saying", "tell",
      "told", "telling", "make", "made", "take", "took", "taken", "know", "knew", "known", "think",
      "thought", "see", "saw", "seen", "want", "wanted", "let", "put", "keep", "kept", "give",
      "gave", "given", "use", "used", "seem", "seemed", "become", "became", "remember",
      // Irregular past tenses, which the "-ed" rule of the tokenizer misses.
      "began", "bought", "brought", "broke", "built", "caught", "chose", "drove", "fell", "felt",
      "flew", "forgot", "found", "grew", "heard", "held", "hid", "left", "lost", "meant", "paid",
      "ran", "rode", "sang", "sat", "sent", "slept", "spent", "spoke", "stood", "taught", "threw",
      "understood", "woke", "won", "wore", "wrote", "born",
      // Adverbs and other function words.
      "not", "very", "too", "also", "just", "only", "even", "still", "again", "ever", "never",
      "always", "often", "sometimes", "usually", "really", "quite", "rather", "almost", "already",
      "here", "there", "where", "everywhere", "somewhere", "anywhere", "nowhere", "when", "why",
      "how", "now", "once", "soon", "later", "ago", "away", "back", "maybe", "perhaps", "yes",
      "yeah", "okay", "ok", "oh", "well", "right", "sure", "though", "thing", "things", "lot",
      "lots", "bit", "way", "ways", "time", "times", "day", "days", "year", "years", "last", "next",
      "first", "new", "old", "little", "big", "good", "great", "long", "whole", "able", "else",
      "enough", "anyway", "actually", "pretty",
      // Common adjectives, which would otherwise join the noun after them.
      "small", "large", "tall", "short", "young", "early", "late", "nice", "bad", "best", "better",
      "low", "real", "hard", "easy", "happy", "sad", "full", "empty", "favorite", "favourite",
      "dear", "poor", "beautiful", "wonderful", "terrible", "sick", "different", "certain", "kind",
      "fine", "free", "busy", "strange", "special", "important", "steady",
      // Number words.
      "zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
      "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
      "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
      "thousand", "million", "second", "third", "half", "dozen", "couple",
      // Contractions, written with an ASCII apostrophe.
      "i'm", "i've", "i'd", "i'll", "you're", "you've", "you'd", "you'll", "he'd", "he'll", "she'd",
      "she'll", "we're", "we've", "we'd", "we'll", "they're", "they've", "they'd", "they'll",
      "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't",
      "hadn't", "won't", "wouldn't", "can't", "couldn't", "shouldn't", "mustn't", "ain't", "let's",
      "there'd", "there'll", "that'll", "y'all"};
  return words;
}

}  // namespace

bool IsStopword(std::string_view word) { return Stopwords().contains(word); }

bool IsFillerWord(std::string_view word) {
  static const WordSet words = {"um",  "umm", "uh", "uhh", "uhm", "er",   "erm", "ah",    "ahh",
                                "hmm", "hm",  "mm", "mhm", "huh", "like", "eh",  "uh-huh"};
  return words.contains(word);
}

bool IsFillerPair(std::string_view first, std::string_view second) {
  static const WordSet pairs = {"you know", "i mean",  "kind of",  "sort of",
                                "you see",  "i guess", "i suppose"};
  std::string pair;
  pair.reserve(first.size() + 1 + second.size());
  pair.append(first).append(" ").append(second);
  return pairs.contains(pair);
}

bool IsPersonTitle(std::string_view word) {
  static const WordSet words = {"aunt",        "auntie", "aunty", "uncle",  "grandma",
                                "grandpa",     "granny", "nana",  "gramps", "grandmother",
                                "grandfather", "mr",     "mrs",   "ms",     "mister",
                                "missus",      "dr",     "sir",   "madam",  "cousin"};
  return words.contains(word);
}

bool IsKinshipTitle(std::string_view word) {
  static const WordSet words = {"aunt",        "auntie", "aunty",  "uncle",  "grandma",
                                "grandpa",     "granny", "nana",   "gramps", "grandmother",
                                "grandfather", "cousin", "sister", "brother"};
  return words.contains(word);
}

bool IsCasedPersonTitle(std::string_view word) {
  static const WordSet words = {"father",    "mother",   "sister", "brother", "doctor",
                                "professor", "reverend", "pastor", "captain", "sergeant",
                                "officer",   "judge",    "lady",   "lord",    "miss"};
  return words.contains(word);
}

bool IsFirstName(std::string_view word) {
  static const WordSet words = {
      "anna",      "martha",  "mary",    "margaret", "elizabeth", "dorothy",  "helen",
      "ruth",      "betty",   "barbara", "patricia", "linda",     "susan",    "nancy",
      "carol",     "shirley", "judith",  "joan",     "evelyn",    "alice",    "edith",
      "florence",  "gladys",  "mildred", "agnes",    "ethel",     "irene",    "lillian",
      "louise",    "marie",   "emma",    "clara",    "sarah",     "rebecca",  "catherine",
      "katherine", "eleanor", "frances", "harriet",  "maria",     "sophie",   "olga",
      "john",      "james",   "robert",  "william",  "richard",   "thomas",   "charles",
      "joseph",    "george",  "edward",  "henry",    "walter",    "harold",   "arthur",
      "albert",    "ernest",  "eugene",  "howard",   "kenneth",   "donald",   "ronald",
      "raymond",   "samuel",  "peter",   "paul",     "michael",   "david",    "daniel",
      "anthony",   "stephen", "steven",  "andrew",   "patrick",   "timothy",  "benjamin",
      "leonard",   "stanley", "harvey",  "herbert",  "frederick", "lawrence", "francis",
      "martin",    "karl",    "hans",    "otto",     "pierre",    "giuseppe", "tom",
      "tommy",     "jimmy",   "johnny",  "bobby",    "eddie",     "charlie",  "freddie",
      "harry",     "joe",     "sam",     "ben",      "tony",      "jim",      "ted",
      "fred",      "ellen",   "annie",   "maggie",   "sally",     "peggy",    "jenny",
      "katie",     "lucy",    "emily",   "jane",     "julia"};
  return words.contains(word);
}

bool IsPlaceNoun(std::string_view word) {
  static const WordSet words = {
      "farm",     "farms",     "barn",       "ranch",       "house",   "home",       "school",
      "church",   "chapel",    "city",       "town",        "village", "river",      "lake",
      "mountain", "mountains", "hill",       "hills",       "beach",   "coast",      "hospital",
      "station",  "street",    "avenue",     "road",        "lane",    "park",       "island",
      "county",   "state",     "country",    "mill",        "factory", "store",      "shop",
      "bakery",   "cabin",     "camp",       "base",        "harbor",  "harbour",    "port",
      "bay",      "valley",    "forest",     "woods",       "field",   "university", "college",
      "office",   "hotel",     "restaurant", "market",      "airport", "kitchen",    "garden",
      "cemetery", "border",    "apartment",  "neighborhood"};
  return words.contains(word);
}

bool IsPlaceName(std::string_view name) {
  static const WordSet names = {
      // US states.
      "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
      "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
      "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
      "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey",
      "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon",
      "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
      "utah", "vermont", "virginia", "west virginia", "washington", "wisconsin", "wyoming",
      // Countries and regions.
      "america", "united states", "canada", "mexico", "cuba", "brazil", "argentina", "england",
      "scotland", "ireland", "wales", "britain", "great britain", "france", "germany", "italy",
      "spain", "portugal", "poland", "russia", "ukraine", "greece", "sweden", "norway", "denmark",
      "finland", "holland", "netherlands", "belgium", "switzerland", "austria", "hungary", "china",
      "japan", "korea", "vietnam", "india", "pakistan", "philippines", "australia", "israel",
      "egypt", "europe", "africa", "asia",
      // Large cities.
      "chicago", "boston", "denver", "detroit", "seattle", "atlanta", "dallas", "houston", "miami",
      "philadelphia", "pittsburgh", "cleveland", "baltimore", "los angeles", "san francisco",
      "san diego", "new orleans", "las vegas", "st louis", "london", "paris", "berlin", "rome",
      "madrid", "dublin", "vienna", "moscow", "warsaw", "toronto", "montreal", "tokyo", "sydney",
      "munich", "hamburg", "naples", "manila"};
  return names.contains(name);
}

bool IsKinshipWord(std::string_view word) {
  static const WordSet words = {
      "father",    "mother",   "dad",          "mom",           "mum",           "papa",
      "mama",      "brother",  "sister",       "grandfather",   "grandmother",   "grandma",
      "grandpa",   "granny",   "aunt",         "uncle",         "cousin",        "wife",
      "husband",   "son",      "daughter",     "grandson",      "granddaughter", "nephew",
      "niece",     "parents",  "grandparents", "grandchildren", "children",      "sons",
      "daughters", "brothers", "sisters"};
  return words.contains(word);
}

bool IsPlacePreposition(std::string_view word) {
  return word == "in" || word == "to" || word == "from" || word == "at" || word == "near";
}

bool IsDecadeWord(std::string_view word) {
  static const WordSet words = {"twenties", "thirties",  "forties",  "fifties",
                                "sixties",  "seventies", "eighties", "nineties"};
  return words.contains(word);
}

bool IsCalendarWord(std::string_view word) {
  static const WordSet words = {
      "january",   "february",  "march",    "april",        "june",     "july",    "august",
      "september", "october",   "november", "december",     "monday",   "tuesday", "wednesday",
      "thursday",  "friday",    "saturday", "sunday",       "spring",   "summer",  "autumn",
      "winter",    "christmas", "easter",   "thanksgiving", "hanukkah", "passover"};
  return words.contains(word);
}

bool IsAbbreviation(std::string_view word) {
  static const WordSet words = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "mt", "ft"};
  return words.contains(word);
}

}  // namespace talegraph::graph
