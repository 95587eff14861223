/**
 * Word lists for the near-duplicate question matcher. Everything here is looked up by a token's
 * normal form (lowercase, contractions expanded: "can't" -> "can" "not"), not by its lemma, because
 * the lemmatiser rewrites some words ("app" -> "application", "left" -> "leave", "better" -> "good");
 * only the opposites tables fall back to the lemma when the written form is not listed ("learned").
 */

const words = (list: string): Set<string> => new Set(list.trim().split(/\s+/));

/**
 * Words whose presence, absence or choice does not change what is being asked, so similarity
 * ignores them: articles, the auxiliaries be/do/have, first- and second-person pronouns, fillers
 * and prepositions that only attach a noun ("list in Python" = "Python list").
 * Anything NOT listed here or claimed by a guard counts as a content term.
 */
export const ignorable = words(`
  a an the
  be is are am been being 's 're 'm
  do does doing done
  have has having
  i me my mine myself we us our ours ourselves
  you your yours yourself yourselves u ur y'all
  it its itself this that these those there here
  of in on at for by as via per into onto
  than and so
  please kindly really actually exactly basically just simply ever truly also literally honestly generally typically
  any some several various
  which that whom who what why how when where whose whether
  ? .
`);

/**
 * Question words. "which" asks what "what" asks ("which/what country"); "how come" asks "why".
 * "how" followed by one of these words is its own question type: "how many" != "how much" != "how".
 */
export const questionWords: ReadonlyMap<string, string> = new Map([
  ['what', 'what'], ['which', 'what'], ['why', 'why'], ['how', 'how'], ['when', 'when'],
  ['where', 'where'], ['who', 'who'], ['whom', 'who'], ['whose', 'whose'], ['whether', 'whether'],
]);
export const howQualifiers = words(`
  many much long often far old big large tall fast soon early late high deep heavy wide
  come bad good hard easy difficult likely important safe expensive cheap
`);

/** Modal auxiliaries, normalised: "ca" (from "can't") -> can, "wo" (from "won't") -> will. */
export const modals: ReadonlyMap<string, string> = new Map([
  ['can', 'can'], ['could', 'could'], ['may', 'may'], ['might', 'might'], ['must', 'must'],
  ['shall', 'shall'], ['should', 'should'], ['ought', 'should'], ['will', 'will'], ['would', 'would'],
]);

/** Negators, folded to four kinds: "n't"/"not"/"cannot" -> not; no/none/nothing/... -> no. */
export const negators: ReadonlyMap<string, string> = new Map([
  ['not', 'not'], ["n't", 'not'], ['never', 'never'], ['without', 'without'],
  ['no', 'no'], ['none', 'no'], ['nothing', 'no'], ['nobody', 'no'], ['nowhere', 'no'],
  ['neither', 'no'], ['nor', 'no'], ['noone', 'no'],
  // The commonest negators of other languages written in Latin or Cyrillic script, so that a question
  // the English lexicons cannot read still has its "not" compared: "ist X sicher" != "ist X nicht sicher".
  ['nicht', 'not'], ['kein', 'no'], ['keine', 'no'], ['keinen', 'no'], ['nie', 'never'], ['niemals', 'never'],
  ['pas', 'not'], ['jamais', 'never'], ['non', 'not'], ['nunca', 'never'], ['não', 'not'], ['nao', 'not'],
  ['niet', 'not'], ['geen', 'no'], ['inte', 'not'], ['ikke', 'not'], ['не', 'not'], ['нет', 'no'], ['ні', 'no'],
]);

/** Third-person pronouns by referent: "tell him" != "tell her". */
export const thirdPerson: ReadonlyMap<string, string> = new Map([
  ['he', 'he'], ['him', 'he'], ['his', 'he'], ['himself', 'he'],
  ['she', 'she'], ['her', 'she'], ['hers', 'she'], ['herself', 'she'],
  ['they', 'they'], ['them', 'they'], ['their', 'they'], ['theirs', 'they'], ['themselves', 'they'],
]);
/** First and second person, as speaker:N (I, me, we, you), owner:N (my, mine, your) or self:N (myself, yourself). */
export const speakerWords: ReadonlyMap<string, string> = new Map([
  ['i', 'speaker:1'], ['me', 'speaker:1'], ['we', 'speaker:1'], ['us', 'speaker:1'],
  ['my', 'owner:1'], ['mine', 'owner:1'], ['our', 'owner:1'], ['ours', 'owner:1'],
  ['myself', 'self:1'], ['ourselves', 'self:1'],
  ['you', 'speaker:2'], ['u', 'speaker:2'], ['your', 'owner:2'], ['ur', 'owner:2'], ['yours', 'owner:2'],
  ['yourself', 'self:2'], ['yourselves', 'self:2'],
]);

/**
 * Opposites, as `word -> class:pole`. Two questions must use the same poles of a class in the same
 * order, and a class used by one question must be used by the other.
 * `polarity` is about judgement (good/bad), `direction` about which way something goes or which end
 * of something is meant (ascending/descending, to/from, encrypt/decrypt).
 */
function opposites(table: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const line of table.trim().split('\n')) {
    const [name, plus, minus] = line.split('|').map((part) => part.trim());
    if (!name || plus === undefined || minus === undefined) continue;
    for (const word of plus.split(/\s+/).filter(Boolean)) map.set(word, `${name}:+`);
    for (const word of minus.split(/\s+/).filter(Boolean)) map.set(word, `${name}:-`);
  }
  return map;
}

export const polarity = opposites(`
  good | good better best great excellent nice awesome amazing ideal | bad worse worst terrible awful horrible poor
  pros | pro pros advantage advantages benefit benefits upside upsides merit merits strength strengths | con cons disadvantage disadvantages drawback drawbacks downside downsides demerit demerits weakness weaknesses
  safe | safe safer safest safety secure | unsafe dangerous harmful risky insecure hazardous
  healthy | healthy healthier healthiest | unhealthy unhealthier
  legal | legal legally lawful legit legitimate | illegal illegally unlawful
  right | right correct accurate | wrong incorrect inaccurate
  true | true truth | false myth
  possible | possible | impossible
  useful | useful | useless
  easy | easy easier easiest simple simpler | hard harder hardest difficult tough
  cheap | cheap cheaper cheapest affordable inexpensive | expensive costly pricey
  like | enjoy enjoys | dislike dislikes disliked
  agree | agree agreement | disagree disagreement
  happy | happy happier happiest | sad unhappy sadder depressed
  success | success successful succeed | failure fail failed unsuccessful
  rich | rich richer richest wealthy | poor poorer poorest
  strong | strong stronger strongest | weak weaker weakest
  fast | fast faster fastest quick quickly quicker quickest | slow slower slowest slowly
  early | early earlier earliest | late later latest
  positive | positive | negative
  win | win won winning winner | lose lost losing loser
  allow | allow allowed permit permitted | forbid forbidden ban banned prohibit prohibited
  include | include including inclusive | exclude excluding exclusive
  valid | valid | invalid
  ethical | ethical moral | unethical immoral
  honest | honest | dishonest
  fair | fair | unfair
  normal | normal | abnormal
  common | common | rare uncommon
  smart | smart intelligent clever | stupid dumb
  beautiful | beautiful pretty attractive | ugly unattractive
  clean | clean | dirty
  hot | hot warm | cold cool
  big | big bigger biggest large larger largest | small smaller smallest little tiny
  long | long longer longest | short shorter shortest
  high | high higher highest | low lower lowest
  young | young younger youngest new newer newest | old older oldest
  rational | rational | irrational
  male | male man men boy boys husband father son brother king | female woman women girl girls wife mother daughter sister queen
  alive | alive live living | dead die died death
  friend | friend friends | enemy enemies
  accept | accept accepted | reject rejected
  real | real | fake
  love | love loves loved | hate hates hated
  heaven | heaven | hell
  amount | many much lots plenty | few little
`);

export const direction = opposites(`
  order | ascending ascend | descending descend
  change | increase increasing increased raise raising grow growing gain gaining boost expand | decrease decreasing decreased reduce reducing lower lowering shrink shrinking lose losing cut
  crypt | encrypt encrypting encrypted encryption | decrypt decrypting decrypted decryption
  code | encode encoding encoded | decode decoding decoded
  compress | compress compressing compressed zip | decompress decompressing uncompress unzip extract
  port | import importing imported | export exporting exported
  load | upload uploading uploaded | download downloading downloaded
  install | install installing installed installation | uninstall uninstalling uninstalled
  able | enable enabling enabled activate | disable disabling disabled deactivate
  connect | connect connecting connected | disconnect disconnecting disconnected
  lock | lock locking locked | unlock unlocking unlocked
  mount | mount | unmount
  subscribe | subscribe subscribed | unsubscribe unsubscribed
  follow | follow following | unfollow
  block | block blocked | unblock unblocked
  add | add adding added insert | remove removing removed delete deleting deleted
  open | open opening opened | close closing closed shut
  start | start starting started begin beginning | stop stopping stopped end ending finish quit
  push | push pushing | pull pulling
  send | send sending sent | receive receiving received
  trade | buy buying bought purchase | sell selling sold
  lend | lend lending lent | borrow borrowing borrowed
  hire | hire hiring hired | fire firing fired
  put | input inputs | output outputs
  time | before prior previous previously past | after next later future following
  vertical | above over upper top | below under lower bottom beneath underneath
  updown | up | down
  side | left | right
  ns | north northern | south southern
  ew | east eastern | west western
  way | forward forwards | backward backwards back
  extreme | max maximum maximize maximise | min minimum minimize minimise
  rank | first | last
  inout | inside internal inner | outside external outer out
  onoff | on | off
  enter | enter entering login | exit exiting leave leaving logout
  arrive | arrive arriving arrival | depart departing departure
  come | come coming | go going
  teach | teach teaching | learn learning
  give | give giving | take taking
  fromto | to into toward towards | from
  with | with | without
`);

/** Direction classes that only count when both questions use them: "add photos to Quora" = "add photos on Quora". */
export const optionalDirections: ReadonlySet<string> = new Set(['fromto', 'with']);

/** Direction words that only count as such when used as a preposition ("get to Paris", not "how to"). */
export const prepositionalDirection = words(`to into toward towards from`);

/** Irregular comparatives and superlatives, and the words that build them. */
export const comparisonWords: ReadonlyMap<string, string> = new Map([
  ['more', 'more'], ['most', 'most'], ['less', 'less'], ['least', 'least'], ['fewer', 'less'], ['fewest', 'least'],
  ['better', 'good:er'], ['best', 'good:est'], ['worse', 'bad:er'], ['worst', 'bad:est'],
  ['further', 'far:er'], ['farther', 'far:er'], ['furthest', 'far:est'], ['farthest', 'far:est'],
  ['elder', 'old:er'], ['eldest', 'old:est'],
  ['than', 'than'], ['too', 'too'], ['enough', 'enough'],
]);
/** Words ending in -er/-est that are not comparatives. */
export const notComparative = words(`
  after ever never over under other another either neither whether rather together however whatever whenever
  wherever whoever forever number water paper computer order power answer matter letter remember member
  interest best rest test forest honest modest latest biggest manifest protest contest request invest suggest
  harvest chest guest nest west east digest arrest interest pest quest vest
  user player teacher father mother brother sister daughter winter summer weather leather
  career engineer offer enter consider cancer chapter character cover deliver discover filter finger
  gather hunger ladder layer lower upper master member minister monster murder never newspaper officer
  partner poker proper quarter register render river shelter silver soccer sober super tiger timber
  tower transfer trigger tumor under wonder writer reader server manager computer speaker printer
  driver browser folder header footer router container owner customer developer programmer
`);

/**
 * Quantifiers and frequency words that change what is asked: "are all X Y" != "are X Y", "why do only
 * women" != "why do women". Vague amounts (some, several, many, few) are not compared: "what are some
 * good books" asks what "what are good books" asks.
 */
export const quantifiers: ReadonlyMap<string, string> = new Map([
  ['all', 'all'], ['every', 'all'], ['each', 'all'], ['everyone', 'all'], ['everybody', 'all'], ['everything', 'all'],
  ['always', 'always'], ['sometimes', 'sometimes'], ['only', 'only'], ['both', 'both'], ['either', 'either'], ['same', 'same'],
  ['usually', 'usually'], ['often', 'often'],
  ['rarely', 'rarely'], ['unless', 'unless'], ['except', 'except'], ['instead', 'instead'],
]);

/**
 * What makes an answer depend on when it is asked. Single words match anywhere; phrases match as
 * consecutive normal tokens.
 */
export const timeWords = words(`
  today tonight tomorrow yesterday now nowadays currently current latest newest recent recently
  upcoming ongoing weather forecast news headlines trending
`);
export const timePhrases: readonly (readonly string[])[] = [
  ['what', 'time'], ['what', 'day'], ['what', 'date'], ['which', 'day'], ['what', 'year', 'is', 'it'],
  ['this', 'week'], ['this', 'month'], ['this', 'year'], ['this', 'morning'], ['this', 'evening'],
  ['this', 'weekend'], ['this', 'season'], ['next', 'week'], ['next', 'month'], ['next', 'year'],
  ['last', 'week'], ['last', 'month'], ['last', 'year'], ['last', 'night'], ['at', 'the', 'moment'],
  ['these', 'days'], ['right', 'now'], ['so', 'far'], ['as', 'of'], ['up', 'to', 'date'],
  ['how', 'long', 'ago'], ['how', 'long', 'until'], ['stock', 'price'], ['exchange', 'rate'],
  ['who', 'is', 'the', 'president'], ['who', 'is', 'the', 'prime', 'minister'], ['who', 'is', 'the', 'ceo'],
];

/** Names that are entities whatever the tagger says ("may" and "march" only when capitalised). */
export const calendarNames = words(`
  january february april june july august september october november december
  jan feb apr jun jul aug sep sept oct nov dec
  monday tuesday wednesday thursday friday saturday sunday
  spring summer autumn fall winter christmas easter
`);
export const capitalisedCalendarNames = words(`may march`);

/** Number words, to compare "five km" with "5 km". */
export const numberWords: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7],
  ['eight', 8], ['nine', 9], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14],
  ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['twenty', 20],
  ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
  ['hundred', 100], ['thousand', 1000], ['million', 1e6], ['billion', 1e9], ['trillion', 1e12],
  ['dozen', 12], ['half', 0.5], ['twice', 2], ['once', 1], ['single', 1], ['double', 2], ['triple', 3],
]);
export const multipliers: ReadonlyMap<string, number> = new Map([
  ['hundred', 100], ['thousand', 1000], ['million', 1e6], ['billion', 1e9], ['trillion', 1e12], ['lakh', 1e5], ['crore', 1e7],
]);
export const ordinalWords: ReadonlyMap<string, number> = new Map([
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6], ['seventh', 7],
  ['eighth', 8], ['ninth', 9], ['tenth', 10], ['eleventh', 11], ['twelfth', 12], ['twentieth', 20], ['hundredth', 100],
]);

/** Units, folded to one spelling: "5 km" = "5 kilometres", "5 km" != "5 miles". */
export const units: ReadonlyMap<string, string> = (() => {
  const table = `
    km: km kms kilometer kilometers kilometre kilometres
    mi: mi mile miles
    m: m meter meters metre metres
    cm: cm centimeter centimeters centimetre centimetres
    mm: mm millimeter millimeters millimetre millimetres
    ft: ft feet foot
    in: inch inches
    yd: yd yard yards
    kg: kg kgs kilo kilos kilogram kilograms kilogramme kilogrammes
    g: g gram grams gramme grammes
    mg: mg milligram milligrams
    lb: lb lbs pound pounds
    oz: oz ounce ounces
    l: l liter liters litre litres
    ml: ml milliliter milliliters millilitre millilitres
    gal: gal gallon gallons
    c: °c celsius centigrade
    f: °f fahrenheit
    kelvin: kelvin
    deg: ° degree degrees
    s: s sec secs second seconds
    min: min mins minute minutes
    h: h hr hrs hour hours
    day: day days
    week: wk wks week weeks
    month: month months
    year: yr yrs year years
    decade: decade decades
    century: century centuries
    b: byte bytes
    kb: kb kilobyte kilobytes
    mb: mb megabyte megabytes
    gb: gb gig gigs gigabyte gigabytes
    tb: tb terabyte terabytes
    mbps: mbps
    gbps: gbps
    px: px pixel pixels
    pct: % percent percentage
    usd: $ usd dollar dollars buck bucks
    eur: € eur euro euros
    gbp: £ gbp
    inr: ₹ inr rs rupee rupees
    jpy: ¥ jpy yen
    times: x times
    kmh: kmh kph
    mph: mph
    w: w watt watts
    kw: kw kilowatt kilowatts
    v: v volt volts
    hz: hz hertz
    khz: khz
    mhz: mhz
    ghz: ghz
    mah: mah
    cal: cal kcal calorie calories
    bit: bit bits
    am: am a.m. a.m
    pm: pm p.m. p.m
    k: k
  `;
  const map = new Map<string, string>();
  for (const line of table.trim().split('\n')) {
    const [name, list] = line.split(':').map((part) => part.trim());
    if (!name || !list) continue;
    for (const word of list.split(/\s+/)) if (!map.has(word)) map.set(word, name);
  }
  return map;
})();

/**
 * Symbols that carry meaning in a question ("1+1" vs "1-1"). Punctuation is not compared, and neither
 * are "&" ("pros & cons" = "pros and cons") and "/" ("OP/ED" = "OP and ED"; "1/2" is a number).
 */
export const meaningfulSymbols = new Set(['+', '-', '*', '×', '÷', '=', '<', '>', '^', '|', '#', '~', '!=', '==', '<=', '>=']);

/** British and American spellings of the same word, folded for similarity. */
export const spellings: ReadonlyMap<string, string> = new Map([
  ['colour', 'color'], ['favourite', 'favorite'], ['behaviour', 'behavior'], ['honour', 'honor'],
  ['centre', 'center'], ['theatre', 'theater'], ['organisation', 'organization'], ['organise', 'organize'],
  ['realise', 'realize'], ['recognise', 'recognize'], ['analyse', 'analyze'], ['licence', 'license'],
  ['defence', 'defense'], ['travelling', 'traveling'], ['programme', 'program'], ['catalogue', 'catalog'],
  ['optimise', 'optimize'], ['optimisation', 'optimization'], ['grey', 'gray'], ['mum', 'mom'],
  ['movie', 'film'], ['movies', 'film'], ['films', 'film'],
]);

/** Common file extensions: a dotted name ending in one is a file path, otherwise an identifier. */
export const fileExtensions = words(`
  py js mjs cjs ts tsx jsx json md txt yml yaml toml csv tsv html htm css scss sh bash zsh go rs java kt c h cpp hpp cc
  rb php xml sql log conf cfg ini env lock exe dll so dylib zip tar gz tgz bz2 xz 7z rar pdf doc docx xls xlsx ppt pptx
  png jpg jpeg gif svg webp ico bmp mp3 mp4 wav avi mov mkv flac ogg webm apk ipa dmg iso img bin dat db sqlite csproj
  sln gradle vue svelte swift m mm r jl lua pl ps1 bat cmd ipynb parquet wasm
`);
