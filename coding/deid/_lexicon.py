"""Word lists for de-identification: given names, words that must never be redacted.

Shipped in the code, not downloaded: de-identification must work offline, behind hospital
firewalls. The given-name list is the most common US first names (a few hundred, broadly
covering the birth cohorts of mothers, partners, children and staff in postpartum studies);
it is used only together with context (a capital letter mid-sentence, a kinship word or
title before it), so a common name that is also a word ("Hope", "Will", "Grace") is never
redacted on the list alone. The town list (:data:`TOWNS`) is matched only after a place
preposition, for towns typed in lower case. Over 400 lines because it is only lists: split
by idea, each would be one list to a file.
"""

from __future__ import annotations

GIVEN_NAMES = frozenset(
    """
    aaliyah aaron abby abigail adam addison adrian aiden alex alexa alexander alexis alice
    alicia alison allison alyssa amanda amber amy andrea andrew angela angelica angie anna
    annie anthony antonio april ariana ariel ashley aubrey audrey austin autumn ava bailey
    barbara becky bella ben benjamin beth bethany betty beverly bianca blake bonnie brad
    bradley brandi brandon brandy brenda brendan brian brianna brittany brittney brooke
    brooklyn bryan caleb cameron camila candace carl carla carlos carmen carol caroline carrie
    casey cassandra cassie catherine cathy chad charlene charles charlie charlotte chase chelsea
    cheryl cheyenne chloe chris christian christina christine christopher cindy claire
    clara cody colleen connor courtney craig crystal cynthia dakota dale dalton dana daniel
    danielle darlene darnell darren dave david dawn dean deanna debbie deborah debra denise
    derek desiree destiny devin diana diane dominic donald donna doris dorothy douglas dustin
    dylan ebony eddie edward elena eli elijah elizabeth ella ellie emily emma eric erica erin
    ethan eva evan evelyn faith felicia frank gabriel gabriella gabrielle gary gavin george
    gina gloria grace greg gregory hailey haley hannah harper heather heidi helen henry holly
    hope hunter ian isaac isabel isabella isaiah jack jackie jackson jacob jacqueline jada
    jade jake james jamie jane janelle janet janice jasmine jason javier jayden jeff jeffrey
    jenna jennifer jenny jeremiah jeremy jerry jesse jessica jill jillian jimmy joanna jocelyn
    jodi joe joel john johnny jolene jon jonathan jordan jose joseph josh joshua joy joyce
    juan judith judy julia julian julie justin kaitlyn kara karen kari kate katelyn katherine
    kathleen kathryn kathy katie kay kayla kaylee keisha kelly kelsey ken kendra kenneth kerry
    kevin kim kimberly kristen kristin kristina krystal kyle lacey laura lauren layla leah
    lee leslie liam lillian lily linda lindsay lindsey lisa logan lori lucas lucy luis luke
    lydia lynn mackenzie madeline madison makayla mandy marcus margaret maria mariah marie
    marisa mark marsha martha martin mary mason matthew maya megan melanie melissa melody
    mercedes mia michael michelle miguel mike mikayla miranda missy misty molly monica morgan
    nancy naomi natalie natasha nathan nevaeh nicholas nichole nicole noah nora olivia owen
    paige pam pamela patricia patrick paul paula peggy penny peter peyton rachel randy raven
    rebecca regina renee rhonda ricky riley rita rob robert robin rochelle ronald rosa rose
    ruby ruth ryan sabrina sadie samantha samuel sandra sandy sara sarah savannah scarlett
    scott sean serenity shana shane shannon sharon shawn shawna shayla shelby sheila shelly
    sherry shirley sierra skylar sofia sophia stacey stacy stella stephanie stephen steve
    steven summer susan sydney tabitha tamara tammy tanya tara taylor teresa terri terry
    theresa thomas tiffany timothy tina toni tonya tracy travis trevor trinity troy tyler
    valerie vanessa veronica vicky victor victoria violet wanda wendy whitney william willow
    wyatt xavier yolanda zachary zoe zoey tasha trey latasha tameka
    aiden ayden brayden braden jayden kayden kaden hayden landon brandon grayson greyson
    easton jaxon jaxson jackson paxton colton bentley brantley maverick kingston weston
    sawyer hudson carter lincoln asher bryson camden ryder parker declan everett ezra
    leo levi lucas mateo nolan oliver rowan silas theo theodore waylon wesley kaiden
    aubree aurora avery brielle brinley emery harlow hazel kinsley kennedy khloe kylie
    lainey lila londyn lyla mila nova paisley piper quinn reagan remi sloane stella
    raelynn everly adalynn addilyn ainsley alaina alayna ansley ariah arya athena aspen
    blair briella brynn cali charlee collins delilah eden elaina eliana emersyn emery
    gianna hadley haven ivy jolie journee josie juniper kaia kali kamila katalina kenzie
    lennon leighton lilah lillie lola luna macie maci mckenna mckenzie nyla oakley
    rylee ryleigh sage saylor scarlet shiloh sutton tatum teagan vivian wren zara
    amari jalen jamal jaylen kendrick malik marquis tyrone deshawn dante demetrius
    lakisha latoya tamika shanice aaliyah imani kiara jazmine tiana destinee
    lupe guadalupe marisol yesenia araceli esmeralda alejandra daniela fernanda
    santiago diego alejandro
    bobby billy jimmy tommy danny kenny randy ronnie stevie jojo bubba
    becca bree brie chrissy deb dee jess kat kels liz lizzie mel nat nikki sam steph tori
    beverly bonnie delores dolores earl eugene harold howard irene lois marjorie mildred
    norma phyllis ralph roger russell vernon walter wayne
    abel abram ada adele adrienne agnes aidan alan albert alberto alec alfred alfredo alma
    alvin amos ana andre andres andy angelo anita ann anne annette antoine arlene arnold
    arthur ashlyn audra aurelio barry bart beau benny bernard bert billie blaine bobbie boyd
    brady brent brett bridget brock bruce bryant bryce byron callie calvin camille candice
    carlton carly carmela carolyn carson cecil cecilia celeste chester clarence clark claude
    clayton clifford clint clinton clyde colby cole conner corey cory curtis cyrus damian
    damon dan dane darius darrell darryl daryl dawson deandre debora delbert delia dennis
    derrick desmond devon dewayne dexter dillon dominique donnie donovan dora doug duane
    dwayne dwight edgar edith edna eduardo edwin elaine elias elisa eliza ellen elliot elmer
    eloise elsie elvis emilio emmett enrique erik ernest ernesto esther ethel eunice fabian
    faye felix fernando forrest frances francis francisco fred freddie freddy frederick gage
    garrett gerald geraldine gilbert gladys glenda glenn gordon grady graham gretchen
    gus gwen hank harrison harry harvey hattie hector herbert herman hollis homer hubert hugh
    hugo ida ignacio ines ingrid irma ismael ivan jace jaime janie jared jarrod jarvis jasper
    jeanette jeanne jed jerome jimmie joan joann joanne jody joey johnnie jonah jordyn jorge
    josefina juanita jules justine kaleb karla kasey katrina keith kelvin kendall kent kermit
    kirk kristy kurt kyra lamar lanny larry latonya laverne lawrence leann lena leon leona
    leroy lester letha lewis lionel lloyd lonnie loretta lorraine louis louise lowell lucille
    lula luther lyle mabel madelyn mae maggie malcolm mamie manuel marcia marco margie marian
    marilyn mario marion marla marlene marty marvin matt mattie maureen maurice maxine melinda
    melvin merle micah mickey milton minnie mitchell mona monique myra myrtle nadine neil nell
    nellie nelson nettie nick nina noel norman ollie oscar otis pablo patsy pedro percy perry
    phil philip phillip preston priscilla rafael ramon randall randolph raul raymond reba
    reggie reginald rhett ricardo richard rick rickey roberto rodney roland rosalie rosemary
    ross roxanne roy rudy rufus russ sally salvador sammy saul selena sergio seth shaun
    sheldon shelia sherri sidney silvia simon sonia spencer stacie stan stanley stuart sylvia
    tami tammie tanner ted terrance terrell thelma tim timmy tobias toby todd tom tomas
    tommie tony tracey trent tristan trudy tyson ursula vance vaughn velma vera vern verna
    vicki vickie vince vincent viola virgil wallace wendell wes wilbur willard willie willis
    wilma winston yvette yvonne zack zane zeke
    """.split()
) | frozenset(
    # Given names that are also ordinary lower-case words: listed, and in LOWERCASE_WORDS.
    """
    chance grant cliff lance glen ray rod drew don max ed al bo ty rusty sandy ginger opal pearl
    marshall clay lane ward walker van buck bud buddy duke rex mack jewel rocky sonny daisy
    iris flora jay lacy kane roman chuck harley dolly dixie wade tad teddy tucker
    """.split()
)

#: Given names that are also everyday words: redacted only in a name context or on the roster.
WORD_NAMES = frozenset(
    """
    hope will grace faith joy may june april summer autumn dawn rose violet crystal amber
    destiny trinity serenity patience charity mercy precious heaven angel bill mark pat sue
    art bob rich frank chase hunter cash sky skylar willow ruby jade lily holly ivy melody
    harmony journey miracle genesis justice royal king prince major august jan lee kay
    christian sage haven eden nova aspen juniper paisley shiloh
    """.split()
)

#: Given names that are also ordinary lower-case words ("rob a store", "the dean", "a jack").
LOWERCASE_WORDS = frozenset(
    """
    rob dean jack carol penny jean gene rod lance ray norm grant rusty sandy misty dale glen
    cliff miles chance marshall bishop sterling pearl opal ginger candy brandy sunny guy
    ken kim don ron drew rose ruby ivy tucker cooper porter parker carter mason hunter
    harper taylor baker brook brooke lou ed al bo max jo ty sky cash reed gray grey eve
    austin dallas jordan savannah sierra aurora nova eden haven sage river rowan levi
    chance grant cliff lance glen ray rod drew don max ed al bo ty rusty sandy ginger opal
    pearl marshall clay lane ward walker van buck bud buddy duke rex mack jewel rocky sonny
    daisy iris flora jay lacy kane roman chuck harley dolly dixie wade tad teddy tucker
    nick bart homer gage mae
    """.split()
)

#: Medications, clinical and programme terms that look like proper names but are what
#: researchers need to keep (brand and generic names of MOUD, overdose reversal, pain relief).
KEEP_TERMS = frozenset(
    """
    suboxone subutex zubsolv sublocade brixadi bunavail butrans buprenorphine methadone
    methadose dolophine naltrexone vivitrol revia narcan naloxone kloxxado evzio lucemyra
    lofexidine clonidine percocet percs vicodin norco oxycontin oxycodone oxy hydrocodone
    dilaudid hydromorphone morphine fentanyl heroin tramadol ultram tylenol motrin advil
    ibuprofen acetaminophen toradol ketorolac xanax klonopin ativan valium gabapentin
    neurontin zoloft prozac lexapro wellbutrin celexa paxil seroquel adderall epidural
    spinal pitocin nicu picu ob obgyn er icu l&d nows nas esc cps dcf dss dcs wic snap tanf
    medicaid medicare chip ssi na aa smart otp oud sud moud mat iop php ppd pmad dsm hipaa
    covid facetime zoom uber lyft google facebook instagram tiktok snapchat
    dodge chevy chevrolet silverado ford toyota honda nissan jeep hyundai kia subaru buick
    gmc chrysler pontiac mazda tacoma camry civic accord impala malibu tahoe
    """.split()
)

#: Kinship and role words after which a capitalised word is a person's name
#: ("my daughter Kaylee", "her caseworker Denise", "Nurse Pam").
NAME_CUES = frozenset(
    """
    son daughter baby babies kid kids child boy girl twins husband wife boyfriend girlfriend
    fiance fiancé partner ex mom mommy mother dad daddy father sister brother aunt auntie
    uncle cousin grandma grandmother granny nana grandpa grandfather niece nephew friend
    roommate neighbor neighbour caseworker counselor counsellor therapist sponsor coach
    nurse doctor midwife worker pastor landlord lawyer attorney judge officer teacher named
    called
    """.split()
)

#: Titles that start a name ("Dr. Patel", "Ms. Rivera").
TITLES = ("dr", "doctor", "nurse", "mr", "mrs", "ms", "miss", "officer", "judge", "pastor")

#: Words that end a facility name smaller than a state ("Riverside Clinic").
FACILITY_WORDS = (
    "Hospital",
    "Medical Center",
    "Medical Centre",
    "Health Center",
    "Health Centre",
    "Health System",
    "Clinic",
    "Treatment Center",
    "Recovery Center",
    "Birth Center",
    "Family Practice",
    "Pediatrics",
    "Women's Health",
    "Behavioral Health",
    "Methadone Clinic",
    "Shelter",
    "House",
    "Children's",
    "Church",
    "Chapel",
    "Ministries",
    "Reformatory",
    "Prison",
    "Jail",
    "Correctional",
    "Daycare",
    "Day Care",
    "School",
    "Elementary",
    "Regional",
    "Memorial",
    "General",
    "Healthcare",
    "Health",
)

#: Street types for street addresses ("1420 Elm Street", "Maple Ave").
STREET_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    "|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Trail|Pike"
)

US_STATES = frozenset(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming
    """.split()
) | frozenset(
    {
        "new hampshire",
        "new jersey",
        "new mexico",
        "new york",
        "north carolina",
        "north dakota",
        "rhode island",
        "south carolina",
        "south dakota",
        "west virginia",
    }
)

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)

#: Days of the week, singular and plural: not identifiers (a weekday is not a date element).
WEEKDAYS = frozenset(
    day + suffix
    for day in "monday tuesday wednesday thursday friday saturday sunday".split()
    for suffix in ("", "s")
)

#: Words of speech that start with a capital after a comma or a dash but never name anyone.
DISCOURSE_WORDS = frozenset(
    """
    uh um uhm er erm hmm hm mm mhm mm-hm uh-huh yeah yep yup nope yes no okay ok oh ah wow
    well so like anyway anyways seriously honestly basically literally actually really right
    sorry thanks thank please sure gosh god lord jeez geez whatever alright
    """.split()
)

#: Role labels of interview transcripts: who speaks, not who they are ("INTERVIEWER:",
#: "P07:", "Speaker 2:", "Participant:"). Matched as a whole label, case-insensitively.
ROLE_LABEL = (
    r"(?:interviewer|interviewee|int|iv|i|q|a|r|respondent|participant|moderator|facilitator|"
    r"researcher|research assistant|ra|note ?taker|observer|speaker|unknown speaker|"
    r"unidentified speaker|caller|patient|provider|mother|mom|father|dad|partner|nurse|"
    r"doctor|clinician|staff|family member|transcriptionist|transcriber|pi|co-?pi)"
    r"(?:[ -]?(?:\d{1,3}|[A-Z]))?"
    r"|[A-Z]{1,4}-?\d{1,4}(?:-[A-Z0-9]{1,4})?"  # P07, R12, INT-P01, FG2-P3
)

#: Clinical, programme and service names that look like names or places but identify no
#: one: the words of "Eat, Sleep, Console" (any punctuation between them), the Finnegan score,
#: C-sections, national programmes and platforms. Regular expressions, case-insensitive.
NOT_IDENTIFIERS = (
    r"eat[\s,;/&–—-]+(?:and\s+)?sleep[\s,;/&–—-]+(?:and\s+)?console",
    r"c-?\s?sections?",
    r"(?:modified\s+)?finnegans?(?:\s+(?:score|scores|scoring|scale|tool))?",
    r"(?:early\s+)?head\s+start",
    r"healthy\s+start",
    r"celebrate\s+recovery",
    r"social\s+security(?:\s+(?:card|office|disability))?",
    r"narcotics\s+anonymous|alcoholics\s+anonymous",
    r"neonatal\s+(?:abstinence|opioid\s+withdrawal)\s+syndrome",
    r"tik\s?tok|you\s?tube|face\s?time",
    r"plan\s+of\s+safe\s+care|nurse[\s-]+family\s+partnership|parents\s+as\s+teachers",
    r"healthy\s+families(?:\s+america)?|al-?\s?anon|nar-?\s?anon|smart\s+recovery",
    r"safe\s+sleep",
    # Programmes, courts and agencies named by what they do, not by a place or person.
    r"early\s+intervention|(?:family\s+|drug\s+|recovery\s+)?treatment\s+courts?",
    r"children(?:['’]s)?\s+services|child\s+welfare|children\s+(?:and|&)\s+youth(?:\s+services)?",
    r"(?:pregnancy\s+and\s+)?parenting\s+program",
    r"(?:northern|southern)\s+cheyenne|cape\s+verdean|puerto\s+ric(?:o|an)",
    r"google\s+voice|epic|linktree|[a-z]+-brand|project\s+[a-z]+",
    # A health plan named after its cue ("my Medicaid is through Keystone First", "the Green
    # Mountain Care card"): the plan, not a place.
    r"(?:medicaid|insurance|coverage)(?:\s+plan)?\s+(?:is\s+|was\s+)?(?:through|with|called)"
    r"\s+[a-z]+(?:\s+[a-z]+)?|(?:[a-z]+\s+){1,2}(?:care|first|choice)(?=\s+card)",
)

#: Capitalised words after "in", "from", "to"… that are not places ("in God", "to Mexico" is
#: a country, not a subdivision of a state).
NOT_PLACES = frozenset(
    """
    god jesus christ lord english spanish bible christmas heaven church mass
    america american mexico canada africa
    """.split()
) | frozenset(
    # Countries and territories are not subdivisions of a state; kinship words and everyday
    # capitalised words are not people either.
    """
    vietnam china japan korea india pakistan philippines thailand cambodia laos somalia
    ethiopia kenya nigeria ghana haiti jamaica cuba honduras guatemala salvador nicaragua
    colombia venezuela peru brazil argentina chile ecuador bolivia ukraine russia poland
    germany france italy spain portugal ireland england scotland britain iraq iran syria
    afghanistan yemen egypt morocco liberia sudan congo guam samoa
    nana pop-pop pawpaw papaw mamaw memaw meemaw maw-maw paw-paw granny grammy gigi poppy
    mom mama momma dad daddy papa sis bro
    everybody everyone somebody someone nobody superwoman superman virgin room motel
    army navy marines moms dads
    """.split()
)

#: Nationalities, ethnic groups and tribal nations: who a community is, not a person or a
#: place smaller than a state ("I'm Haitian", "I'm enrolled Northern Cheyenne").
NATIONS = frozenset(
    """
    somali irish cape verdean haitian lumbee ho-chunk diné dine navajo cherokee lakota
    oglala sicangu hunkpapa ojibwe anishinaabe oneida hopi apache choctaw chickasaw creek
    muscogee seminole comanche
    kiowa osage cheyenne arapaho crow blackfeet shoshone paiute ute yakama nez perce tlingit
    yupik inupiat menominee potawatomi mohawk seneca tohono o'odham pueblo zuni
    mexican guatemalan salvadoran honduran dominican puerto rican cuban jamaican nigerian
    ghanaian ethiopian eritrean kenyan sudanese congolese liberian vietnamese cambodian
    hmong laotian filipino chinese korean japanese indian pakistani bangladeshi nepali
    bhutanese burmese karen afghan iraqi syrian yemeni arab lebanese ukrainian russian polish
    german italian portuguese brazilian colombian venezuelan peruvian scottish english
    british french african caribbean latina latino latinx hispanic appalachian native
    indigenous amish mennonite
    """.split()
)

#: Words that follow a kinship or role word without being a name ("my son home", "my mom
#: though", "my baby girl", "the dr said"): in lower-case typing, the word after "my
#: cousin" is a name only when it is none of these (nor a stop word, a cue or a -ing/-ly word).
NOT_NAMES_AFTER_CUE = frozenset(
    """
    home back away out off down up over round around there here today tonight yesterday
    tomorrow now anymore though tho too either alone together sometimes once twice daily
    weekly every each right first last next soon later again still yet already also even
    just only really actually basically literally totally pretty kinda sorta lol lmao omg
    idk tbh smh haha yeah yes no ok okay oh uh um like so but and or nor then than because
    cuz cause bc sick asleep awake ready happy sad mad scared upset fine good great ok well
    better worse bad safe clean sober high dead gone gonna wanna gotta got get gets getting
    said says say told tells tell took takes take came comes come went goes go gave gives
    give had has have was were is are be been being did does do didnt doesnt dont wont cant
    couldnt wouldnt shouldnt isnt wasnt werent aint hes shes theyre thats whats im ive id ill
    youre were would could should will can may might must shall knew knows know thinks
    thought think wanted wants want needed needs need helped helps help lives lived live
    works worked work moved moves passed died left leaves stayed stays called calls drove
    drives brought buys bought found finds kept keeps lost loves loved made makes saw sees
    started starts stopped tried tries used uses visits visited watches watched picked picks
    love hate hates hated never always usually all both more less most some any many much
    whole own new old little big baby boy girl boys girls daddy mama papa side lady man guy
    woman person people family kids children stuff things thing time times day days week
    weeks month months year years birthday bday name names number phone car house place
    room bed crib seat stroller formula bottle diaper diapers clothes shirt shoes toys
    school daycare work job meds meth pills dope heroin drug drugs test tests appointment
    appointments visit visits case court hearing plan office doctor doctors nurse nurses
    dr drs doc docs md np pa rn lpn ob obgyn gyn peds pediatrician earlier before after
    since lately recently ago instead anyway anyways somehow somewhere everywhere nowhere
    grew knew threw drew blew flew ran sat stood sang swam began drank ate fell felt held
    heard hit hurt let meant met paid put quit read rode sent set shook slept spent stole
    swore taught tore woke won wore wrote cry cries shake shakes sleep eat eats go stay
    stop start try walk talk sit stand wait smile laugh scream yell fight crawl nurse feed
    hold latch breathe poop pee puke vomit throw learn grow bring take make let see hear
    """.split()
)

#: Words that follow a person's name as the subject of a clause ("jordy gave me", "rusty
#: lived"): with a name context before, a lower-case word followed by one of these is a name.
AFTER_NAME_VERBS = frozenset(
    """
    is was has had said says told tells took takes came comes went goes gave gives got gets
    did does didnt doesnt wont cant would could will can never always just still also even
    who knew knows thinks thought wants wanted needs needed helps helped
    lives lived works worked moved passed died stayed stays called calls drove drives
    brought bought found kept keeps lost loves loved made makes saw sees started stopped
    tried tries used visits visited watches watched picked picks hes shes met were are been
    broke split
    """.split()
)

#: US state postal abbreviations ("Bangor, ME"): after a comma, the word before is a town.
STATE_CODES = frozenset(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC
    """.split()
)

#: US cities and towns, typed in lower case in chat ("in kokomo", "at uk in lexington"): the
#: largest cities of every state, state capitals and county seats of the regions the
#: project's studies work in (Appalachia, the Ohio Valley, New England, the Deep South).
#: Matched only after a place preposition, and never words that are mostly something else
#: ("mobile", "reading", "buffalo", "hope", "independence", "normal").
TOWNS = frozenset(
    town.strip()
    for town in """new york|los angeles|chicago|houston|phoenix|philadelphia|san antonio
    san diego|dallas|austin|jacksonville|fort worth|columbus|charlotte|indianapolis
    seattle|denver|nashville
    oklahoma city|el paso|boston|portland|las vegas|memphis|louisville|baltimore|milwaukee
    albuquerque|tucson|fresno|sacramento|kansas city|atlanta|omaha|raleigh|miami|oakland
    minneapolis|tulsa|wichita|new orleans|arlington|cleveland|bakersfield|tampa|aurora
    anaheim|honolulu|riverside|lexington|stockton|pittsburgh|anchorage|cincinnati|toledo
    st louis|saint paul|st paul|greensboro|lincoln|plano|henderson|durham|chandler|laredo
    madison|lubbock|buffalo ny|reno|glendale|scottsdale|norfolk|boise|spokane|richmond
    baton rouge|des moines|birmingham|rochester|tacoma|modesto|fayetteville|montgomery
    shreveport|akron|little rock|augusta|knoxville|chattanooga|huntsville|providence
    jackson|worcester|springfield|hartford|new haven|bridgeport|stamford|manchester|nashua
    concord|burlington|montpelier|rutland|bangor|lewiston|augusta|portsmouth|albany|syracuse
    utica|binghamton|scranton|wilkes-barre|altoona|johnstown|erie|harrisburg|allentown
    lancaster|york|wheeling|morgantown|charleston|huntington|parkersburg|beckley|bluefield
    clarksburg|fairmont|logan|williamson|welch|princeton|pikeville|hazard|paintsville
    prestonsburg|ashland|morehead|somerset|london|corbin|harlan|middlesboro|whitesburg
    bowling green|owensboro|paducah|frankfort|covington|richmond ky|elizabethtown|portsmouth
    chillicothe|athens|marietta|zanesville|lancaster|gallipolis|jackson oh|ironton|dayton
    youngstown|canton|mansfield|lima|sandusky|steubenville|kokomo|muncie|anderson|terre haute
    evansville|bloomington|lafayette|gary|south bend|fort wayne|richmond in|columbus in
    peoria|rockford|champaign|urbana|joliet|naperville|decatur|carbondale|grand rapids
    lansing|kalamazoo|flint|saginaw|detroit|dearborn|ann arbor|traverse city|marquette
    green bay|oshkosh|eau claire|la crosse|duluth|st cloud|fargo|bismarck|sioux falls
    rapid city|billings|missoula|butte|great falls|helena|bozeman|casper|cheyenne|laramie
    pocatello|idaho falls|twin falls|ogden|provo|salt lake|salt lake city|flagstaff|yuma
    mesa|tempe|santa fe|las cruces|farmington|gallup|roswell|amarillo|odessa|midland
    abilene|waco|killeen|beaumont|corpus christi|brownsville|mcallen|harlingen|edinburg
    galveston|tyler|longview|texarkana|lafayette la|lake charles|monroe|alexandria|houma
    thibodaux|hattiesburg|gulfport|biloxi|meridian|tupelo|oxford|greenville|greenwood
    clarksdale|vicksburg|natchez|dothan|tuscaloosa|gadsden|anniston|florence|selma|opelika
    auburn|macon|savannah|albany ga|valdosta|athens ga|columbus ga|rome|dalton|gainesville
    tallahassee|pensacola|orlando|st petersburg|sarasota|fort myers|ocala|daytona|asheville
    boone|hickory|wilmington|greenville sc|spartanburg|columbia sc|rock hill|myrtle beach
    kingsport|johnson city|bristol|cookeville|clarksville|murfreesboro|jonesboro|texarkana
    fort smith|springdale|rogers|hot springs|pine bluff|joplin|st joseph|columbia mo
    topeka|lawrence|manhattan ks|salina|hutchinson|dodge city|garden city|grand island
    kearney|north platte|scottsbluff|sioux city|davenport|cedar rapids|dubuque|waterloo
    ames|iowa city|council bluffs|rochester mn|mankato|bemidji|yakima|wenatchee|olympia
    everett|bellingham|vancouver|salem|eugene|medford|bend|klamath falls|redding|chico
    eureka|santa rosa|san jose|san francisco|long beach|santa ana|irvine|san bernardino
    fall river|new bedford|brockton|lowell|lawrence ma|lynn|quincy|holyoke|pittsfield
    dorchester|roxbury|chelsea|waterbury|new london|norwich|woonsocket|pawtucket|cranston
    trenton|newark|camden|paterson|atlantic city|wilmington de|dover|annapolis|hagerstown
    cumberland|frederick|roanoke|lynchburg|danville|bristol va|norton|wise|abingdon
    """.replace("\n", "|").split("|")
    if town.strip()
)
