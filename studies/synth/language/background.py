# ruff: noqa: E501  (phrase banks: one proposition per line reads better than wrapped strings)
"""Uncoded talk (small talk, demographics, logistics), interviewer questions and probes,
and the pools of invented names and places that personas are drawn from.

Every name and place here is invented for the synthetic study (towns and clinics are
made-up compounds; phone numbers use the fictional 555-01xx range), so that
de-identification can be exercised without touching anything real.
"""

from __future__ import annotations

BABY_NAMES_GIRL = (
    "Kaylee",
    "Aubree",
    "Harper",
    "Nevaeh",
    "Brielle",
    "Paisley",
    "Addison",
    "Raelynn",
    "Skylar",
    "Madelyn",
    "Everly",
    "Kinsley",
    "Ariana",
    "Jolene",
    "Maddie",
    "Lyla",
)
BABY_NAMES_BOY = (
    "Brayden",
    "Maverick",
    "Kayden",
    "Easton",
    "Jaxon",
    "Colton",
    "Ryder",
    "Bentley",
    "Grayson",
    "Waylon",
    "Landon",
    "Hunter",
    "Rowan",
    "Axel",
    "Bryson",
    "Tucker",
)
ADULT_WOMEN = (
    "Tasha",
    "Brandi",
    "Crystal",
    "Amber",
    "Misty",
    "Dana",
    "Renee",
    "Kim",
    "Shawna",
    "Tonya",
    "Becca",
    "Jess",
    "Lorraine",
    "Marisol",
    "Keisha",
    "Dee",
    "Carla",
    "Heather",
    "Nikki",
    "Tammy",
    "Rhonda",
    "Janelle",
    "Gail",
    "Yolanda",
)
ADULT_MEN = (
    "Travis",
    "Cody",
    "Dustin",
    "Marcus",
    "Shane",
    "Derek",
    "Jamal",
    "Kyle",
    "Bobby",
    "Ray",
    "Jesse",
    "Luis",
    "Tyler",
    "Wade",
    "Darnell",
    "Corey",
)
TOWNS = (
    "Millbrook",
    "Harlow Springs",
    "East Vantry",
    "Dunmore Falls",
    "Bellhaven",
    "Corran",
    "Fairweather",
    "Ashgrove",
    "Kettle Creek",
    "Stonebridge",
    "Lower Marrow",
    "Greyfield",
    "Pine Hollow",
    "Westmere",
    "Oakridge Junction",
    "Caldwell Flats",
)
CLINICS = (
    "Riverside Clinic",
    "New Dawn Recovery",
    "Bridgeway Treatment Center",
    "Lantern House",
    "Clearwater Health",
    "Hope Street Clinic",
    "Northgate Recovery Services",
    "Summit Family Medicine",
    "Willow Path Clinic",
    "Crossroads Treatment Center",
)
HOSPITALS = (
    "Mercy Valley Medical Center",
    "St. Aldric's Hospital",
    "Harlow Regional",
    "County General",
    "Lakeshore Women's Hospital",
    "Brookfield Memorial",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Uncoded participant talk, by kind. Patients.
PATIENT_BACKGROUND: dict[str, list[str]] = {
    "smalltalk": [
        "[Yeah|Yes], [no problem|of course|that's fine], [I|I'm] [had|glad] [to|to] [find|get] [a sitter|somebody to watch {baby}] [for an hour|for today].",
        "[Sorry|Oh sorry], [I'm|I am] [running|a little] [late|behind|scattered] [today|this morning], [the bus|{baby}] [was|was being] [slow|a handful].",
        "[It's|It is] [freezing|so hot|pouring] [out there|outside] [today|right now], [I|I almost] [didn't|didn't wanna] [leave the house|come].",
        "[Okay|Alright], [is|is that] [that thing|the recorder] [on|recording] [already|now]? [I|I always] [get|get kind of] [nervous|weird] [talking into|with] [those|these things].",
        "[Yeah|Sure], [this|this room] [is|is] [fine|good|nice], [can I|do you mind if I] [keep|have] [my|my] [coffee|phone] [out|here]?",
        "[Ha|Haha], [no|no,] [it's|it's] [fine|okay], [I|I] [like|don't mind] [talking|talking about it] [now|these days], [it|it] [helps|helps me] [honestly|actually].",
    ],
    "demographics": [
        "I'm [twenty-four|twenty-six|thirty|thirty-one|twenty-eight|twenty-two|thirty-four], [I|I] [grew up|was born] [in|over in] {town}, [and|and] [I|I've] [lived|been] [there|around there] [most of my life|pretty much forever].",
        "[I|I've] [got|have] [two|three|one] [other|older] [kids|kid], [they're|they are] [seven and four|ten|five and two|nine], [and|and] [then|now] {baby}.",
        "[I|I] [finished|got] [my|my] [GED|diploma] [a few years ago|in {month}|when I was pregnant with my first], [and|and] [I've|I] [worked|done] [mostly|a lot of] [fast food|retail|home health|cleaning jobs].",
        "[Me and {partner}|{Partner} and me] [have|been] [been together|together] [like|about] [three|five|two] years, [he|he] [works|does] [construction|roofing|at the warehouse] [out in|over in] {town2}.",
        "[We|We] [moved|came] [to|out to] {town} [last year|in {month}|when I was pregnant] [to|to] [be closer to|get away from] [{family}|everything|my old crowd].",
        "[My|My] [birthday|son's birthday|daughter's birthday] [is|was] {month} [twelfth|third|twenty-first], [so|so] [that|that] [was|was] [right around|right after] [when|when] [all this|{baby}] [happened|came].",
        "[I|I] [have|got] [my|my] [number|phone] [if you need it|in case you need to call], [it's|it's] [555-01{digits}|555-01{digits}], [that's|that's] [the best one|my cell].",
    ],
    "logistics": [
        "[So|So] [I|I] [had|had] {baby} [on|on] [{month} {day}|a {weekday}|{month} {day}th], [at|at] {hospital}, [and|and] [we|we] [stayed|were there] [like|about] [four|five|six|nine] [days|nights].",
        "[It|It] [was|was] [a|a] [{weekday}|weekend|holiday weekend] [so|so] [it was|the unit was] [kind of|really] [busy|packed|short staffed], [I remember|I do remember] [that|that part].",
        "[I|I] [was|was] [there|at the hospital] [from|from like] [Tuesday|Sunday|Friday] [to|to] [the next|the following] [Monday|weekend|Thursday], [I|I] [think|think so], [it's|it's] [kind of|all] [a blur|fuzzy] [now|honestly].",
        "[The|The] [clinic|{clinic}] [is|is] [on|over on] [Main|Fifth|Railroad|Church] Street, [right|right] [by|next to] [the|the] [Dollar General|gas station|library].",
        "[I|I] [go|go] [in|in] [at|around] [six|seven|six thirty] [in the morning|a.m.] [before|before] [{partner}|everybody] [goes|leaves] [to|for] [work|work], [so|so] [that's|that's] [my|our] [routine|schedule].",
        "[We|We] [just|just] [got|got] [{baby}'s|the] [four month|two month|six month] [shots|checkup] [last week|on {weekday}], [{he}|{he}] [weighs|is] [like|almost] [twelve|fourteen|eleven] pounds [now|already].",
        "[Wait|Hold on], [was|was] [that|that] [in|in] [{month}|the spring]? [No|No,] [it|it] [was|must've been] [later|earlier], [sorry|my dates are all mixed up].",
    ],
    "elaboration": [
        "That was [around|right around|sometime around] [{month}|the holidays|Easter|when {he} was [two|three|six] weeks old|the Fourth of July].",
        "I [don't remember|can't remember|don't recall] [exactly|the exact day|which week], it's [all a blur|kind of a blur now|all mixed together in my head].",
        "This was at {hospital}, [not the one in {town2}|not where I had my first|the one by the highway].",
        "[{Partner}|My mom|{Family}] was there for [some of it|part of it|most of it|the first night at least].",
        "It was like [three|four|two|five] in the morning, [I remember that|I know that much|everybody was asleep].",
        "[Anyway|But anyway|So anyway], [yeah|that's that|where was I].",
        "I told [{family}|{partner}|my sister] about it [later|after|a couple days later] and [she was like, wow|they couldn't believe it|they just kind of shrugged].",
        "That's the [best|only] way I can [explain|describe|put] it, [I guess|honestly|really].",
        "We're still [in {town}|over in {town}|staying in {town}] [for now|right now|at the moment], [we'll see|hopefully not forever].",
        "This was my [second|third|first] time [going through it|dealing with all that|having a baby], so I [kind of knew|sort of knew|had no idea] what to expect.",
        "[{He} was|{Baby} was] [born|here] [at like|around] [thirty-seven|thirty-eight|thirty-nine] weeks, [so not super early|so pretty much on time|a little early].",
        "[Sorry|Oh man, sorry], I [keep jumping around|jump around a lot|get off track], [it's|that's] [just how my brain works|how I talk|a lot to remember].",
        "[My phone|My cell] [died|was dead] [half the time|that whole week], so [I couldn't really|I didn't] [call anybody|keep track of anything].",
        "[{Partner}|The baby's dad] was [working|on the road|at work] [that week|most of that time|a lot], [he drives for a living|he had double shifts|he couldn't get off].",
        "It was [raining|snowing|so hot] [the whole week|that day|the day we left], I [remember that|remember that for some reason].",
        "[We|Me and {baby}] [ended up|wound up] [going home|getting out] on a [{weekday}|weekend|{weekday} afternoon].",
        "[I|I'd] [had|got] [like|maybe] [no|two hours of|barely any] sleep [that whole time|the first few nights|since the day before].",
        "[My older one|My oldest|{His} big brother] was [staying with|over at] [{family}'s|my cousin's|a friend's] [place|house] [during all that|while I was in there].",
        "[I kept|I still have] [the|all the] [papers|bracelets|pictures] from [the hospital|that week|that stay] [in a box|in a drawer|on my phone].",
        "[Honestly|I mean], [I've|I have] [told this story|talked about this] [a bunch of times|in group|to my counselor] [already|before], so [it's easier now|it's not as hard now].",
        "[It's|That's] [been|] [almost|like|about] [five|six|eight|nine] months [now|ago now|already], [time flies|crazy how fast it goes].",
        "[The room|Our room] was [right by|next to|down the hall from] [the nurses' station|the elevator|the NICU doors], so [it was loud|there was always noise|people were in and out].",
    ],
    "backchannel": [
        "Yeah.",
        "Mm-hm.",
        "Yeah, exactly.",
        "Right.",
        "No, that's it.",
        "Yes.",
        "Uh-huh.",
        "I think so, yeah.",
        "Not really, no.",
        "Pretty much.",
        "Yeah, that's about it.",
        "Sure.",
        "Honestly? Yeah.",
        "Um, yeah.",
        "I guess so.",
        "Okay.",
        "Yep.",
    ],
}

PROVIDER_BACKGROUND: dict[str, list[str]] = {
    "smalltalk": [
        "[Sure|Of course|Happy to], [I|I] [have|have about] [an hour|forty-five minutes|until my next patient], [so|so] [we're|we're] [good|fine].",
        "[Sorry|Apologies], [my|my] [pager|phone] [might|may] [go off|buzz], [I'm|I'm] [on call|covering] [today|this afternoon].",
        "[Yeah|Yes], [go ahead|fire away], [I'm|I'm] [ready|all set].",
        "[It's|It's] [been|been] [a|a] [crazy|busy|long] [week|shift|month] [on|on] [the unit|{unit}], [so|so] [this|this] [is|is] [actually|kind of] [a nice break|nice].",
    ],
    "demographics": [
        "[I've|I've] [been|been] [a|a] {ptype} [for|for] [about|almost|over] [twelve|eight|twenty|fifteen|six] years, [the last|the last] [five|four|seven|three] [of them|] [here|] [at|at] {hospital}.",
        "[I|I] [work|mostly work] [on|on] [{unit}|the unit], [mostly|mostly] [nights|days|twelves], [and|and] [I|I] [also|also] [do|do] [some|some] [precepting|teaching|committee work].",
        "[Before|Before] [this|this] [I|I] [was|was] [at|at] [a|a] [hospital|practice|clinic] [in|in] {town} [for|for] [a few|several] [years|years].",
        "[I|I] [trained|did my training] [out of state|up north|in the city] [and|and] [came|came] [here|here] [in|in] [two thousand fifteen|twenty eighteen|twenty twenty], [so|so] [I've|I've] [seen|seen] [a lot|things] [change|shift].",
    ],
    "logistics": [
        "[We|We] [see|see] [maybe|probably] [thirty|forty|sixty|a hundred] [births|deliveries] [a year|a year] [where|where] [mom|mom] [is|is] [on|on] [MOUD|medication for OUD|methadone or buprenorphine].",
        "[Our|Our] [unit|unit] [has|has] [about|maybe] [twenty|twenty-four|sixteen] [beds|rooms], [and|and] [we|we] [share|share] [a|a] [social worker|pharmacist] [with|with] [the|the] [NICU|floor above us].",
        "[I|I] [can|can] [send|send] [you|you] [our|our] [protocol|policy] [if|if] [that's|that's] [useful|helpful], [my|my] [extension|number] [is|is] [555-01{digits}].",
        "[The|The] [policy|protocol] [changed|was updated] [in|in] [{month}|the fall|the spring] [of|of] [last|that] [year|year], [I|I] [think|believe].",
    ],
    "elaboration": [
        "That's been [the case|true|our experience] for [a while now|years|as long as I've been here].",
        "That [varies a lot|really varies|differs] by [shift|nurse|attending|who's on], [to be fair|honestly|I'll be honest].",
        "I'm speaking for [myself|myself personally] here, not [the department|the hospital|my employer].",
        "We talk about [it|this] in [huddles|staff meetings|our monthly meeting] [a lot|all the time|pretty regularly].",
        "It's hard to [generalize|speak for everyone], every [mom|family|patient] is [different|a little different].",
        "[This|That] was [more true|worse|different] [before the pandemic|a few years ago|when I started], [I'd say|I think].",
        "[We're|Our unit is] [a|the] [level three|level two|smaller] [nursery|unit], so [our numbers are|things are] [different from|not like] [the big centers|the university hospital].",
        "I'd have to [check|look up] the [exact numbers|actual data|stats], but [roughly|ballpark|more or less], yes.",
        "[Our director|Our manager|The nurse educator] [pushed for|championed|drove] [a lot of that|those changes|that], [to her credit|I have to say].",
        "[I've|We've] [presented|written up|talked about] [this|some of this] at [a conference|grand rounds|our quality committee] [last year|recently].",
        "[That's|It's] [anecdotal|just my impression], [of course|obviously], [not data|I don't have numbers on it].",
        "[Staffing|Turnover|Being short-staffed] [affects|plays into|complicates] [all of this|everything|that too], [as you can imagine|of course].",
        "[Some of this|A lot of that] [is|comes from] [state policy|the county|the payer side], [not us|out of our hands].",
        "[We|I] [see|hear] [that|this] [maybe|probably] [once a week|a few times a month|every shift].",
    ],
    "backchannel": [
        "Yes.",
        "Right.",
        "Mm-hm.",
        "Exactly.",
        "Yeah, that's right.",
        "I'd say so.",
        "Correct.",
        "Not really.",
        "Sometimes.",
        "That's fair.",
        "Absolutely.",
        "Yeah.",
    ],
}

# Interviewer: opening, per-topic questions, probes, closing.
OPENING = [
    "[Okay|Alright], [the recorder|the recording] [is|is] [on|going] [now|]. [Thank you|Thanks] [so much|again] [for|for] [meeting|talking] [with|with] [me|me] [today|this morning|this afternoon]. [Like|As] [we|we] [went over|talked about] [in|in] [the|the] [consent|consent form], [you can|you can] [skip|pass on] [any question|anything], [and|and] [we|we] [can|can] [stop|pause] [any time|whenever you want].",
    "[So|Okay], [just|just] [to|to] [start|start], [thank you|thanks] [for|for] [being|being] [willing|willing] [to|to] [do|do] [this|this]. [There|There] [are|are] [no|no] [right|right] [or|or] [wrong|wrong] [answers|answers], [I|I] [just|just] [want|want] [to|to] [hear|hear] [about|about] [your|your] [experience|experiences].",
]
CLOSING_Q = [
    "[Is there|Is there] [anything|anything else] [I|I] [didn't|haven't] [ask|asked] [about|about] [that|that] [you|you] [think|think] [is|is] [important|important] [for|for] [us|us] [to|to] [know|know]?",
    "[If|If] [you|you] [could|could] [change|change] [one|one] [thing|thing] [about|about] [how|how] [{carewho}|the hospital] [handles|handles] [this|this], [what|what] [would|would] [it|it] [be|be]?",
]
CLOSING_THANKS = [
    "[Okay|Alright], [that's|that's] [everything|all I have]. [Thank you|Thanks] [so much|so, so much], [this|this] [was|was] [really|really] [helpful|helpful]. [I'll|I'll] [stop|turn off] [the|the] [recording|recorder] [now|now].",
    "[Great|Okay], [well|well], [thank you|thanks] [for|for] [your|your] [time|time] [and|and] [for|for] [being|being] [so|so] [open|honest]. [I'm|I'm] [going to|gonna] [stop|stop] [the|the] [recording|recording] [here|here].",
]
PROBES = [
    "[Can|Could] [you|you] [tell|say] [me|] [more|a little more] [about|about] [that|that]?",
    "[What|What] [was|was] [that|that] [like|like] [for|for] [you|you]?",
    "[How|How] [did|did] [that|that] [make|make] [you|you] [feel|feel]?",
    "[Mm-hm|Okay]. [And|And] [then|then] [what|what] [happened|happened]?",
    "[When|When] [you|you] [say|say] [that|that], [what|what] [do|do] [you|you] [mean|mean]?",
    "[Can|Can] [you|you] [give|give] [me|me] [an|an] [example|example]?",
    "[Mm|Mm-hm]. [Say|Say] [more|more] [about|about] [that|that].",
    "[How|How] [did|did] [you|you] [handle|deal with] [that|that]?",
    "[Was|Was] [that|that] [different|different] [from|from] [what|what] [you|you] [expected|expected]?",
    "[Wow|Okay]. [And|And] [how|how] [are|are] [things|things] [now|now]?",
    "[What|What] [do|do] [you|you] [think|think] [would|would] [have|have] [helped|helped] [in|in] [that|that] [moment|moment]?",
    "[Who|Who] [else|else] [was|was] [involved|around] [then|then]?",
    "[You|You] [mentioned|mentioned] {echo} [earlier|a minute ago]. [Can|Can] [you|you] [say|say] [more|more] [about|about] [that|that]?",
]
PROVIDER_PROBES = [
    "[Can|Could] [you|you] [say|say] [more|more] [about|about] [that|that]?",
    "[How|How] [does|does] [that|that] [play|play] [out|out] [day|day] [to|to] [day|day]?",
    "[Is|Is] [that|that] [a|a] [unit|unit] [policy|policy], [or|or] [more|more] [individual|individual]?",
    "[Can|Can] [you|you] [think|think] [of|of] [a|a] [specific|specific] [case|patient]?",
    "[What|What] [would|would] [help|help] [with|with] [that|that]?",
    "[How|How] [do|do] [the|the] [moms|moms] [react|react] [to|to] [that|that]?",
    "[Has|Has] [that|that] [changed|changed] [over|over] [time|time]?",
    "[Mm-hm|Okay]. [Anything|Anything] [else|else] [on|on] [that|that]?",
]

# (topic, question templates, code weights) for patients; weights multiply role prevalence.
PATIENT_TOPICS: list[tuple[str, list[str], dict[str, float]]] = [
    (
        "background",
        [
            "[To|To] [start|start], [can|could] [you|you] [tell|tell] [me|me] [a little|a bit] [about|about] [yourself|yourself] [and|and] [your|your] [family|family]?",
            "[So|So] [tell|tell] [me|me] [a little|a bit] [about|about] [yourself|you], [where|where] [you're|you're] [from|from], [who's|who's] [at|at] [home|home]?",
        ],
        {},
    ),
    (
        "pregnancy",
        [
            "[Can|Can] [you|you] [tell|tell] [me|me] [about|about] [your|your] [pregnancy|pregnancy] [with|with] {baby}, [and|and] [how|how] [your|your] [treatment|treatment] [was|was] [going|going] [then|then]?",
            "[Let's|Let's] [go|go] [back|back] [to|to] [when|when] [you|you] [found|found] [out|out] [you|you] [were|were] [pregnant|pregnant]. [What|What] [was|was] [that|that] [like|like] [with|with] [your|your] [recovery|recovery]?",
        ],
        {
            "treatment_engagement": 3,
            "stigma": 1,
            "provider_mistrust": 1.5,
            "pain_misinformation": 1,
            "nows_information_gap": 1.5,
            "nows_guilt": 1,
            "cps_barrier": 0.8,
            "compassionate_care": 1,
            "social_needs": 1,
        },
    ),
    (
        "delivery",
        [
            "[Tell|Tell] [me|me] [about|about] [the|the] [delivery|delivery|day {baby} was born]. [How|How] [did|did] [that|that] [go|go]?",
            "[What|What] [do|do] [you|you] [remember|remember] [about|about] [labor|labor] [and|and] [delivery|delivery]?",
        ],
        {
            "delivery_pain": 4,
            "pain_misinformation": 3,
            "compassionate_care": 1.5,
            "stigma": 1.5,
            "maternal_bonding": 1,
            "provider_mistrust": 0.8,
        },
    ),
    (
        "hospital_stay",
        [
            "[After|After] {baby} [was|was] [born|born], [what|what] [was|was] [the|the] [hospital|hospital] [stay|stay] [like|like] [for|for] [you|you] [two|both]?",
            "[How|How] [was|was] {baby} [doing|doing] [in|in] [those|those] [first|first] [days|days], [and|and] [how|how] [were|were] [you|you] [doing|doing]?",
        ],
        {
            "nows_guilt": 4,
            "nows_information_gap": 3,
            "maternal_bonding": 2.5,
            "compassionate_care": 2.5,
            "stigma": 2.5,
            "provider_mistrust": 1,
            "cps_barrier": 1,
        },
    ),
    (
        "home",
        [
            "[What|What] [has|has] [it|it] [been|been] [like|like] [since|since] [you|you] [brought|brought] {baby} [home|home]?",
            "[How|How] [are|are] [things|things] [at|at] [home|home] [with|with] [the|the] [baby|baby] [these|these] [days|days]?",
        ],
        {
            "parenting_stress": 4,
            "parenting_support": 3.5,
            "maternal_bonding": 2.5,
            "social_needs": 2.5,
            "mental_health": 1.5,
        },
    ),
    (
        "recovery",
        [
            "[How|How] [has|has] [your|your] [recovery|recovery] [been|been] [going|going] [since|since] [the|the] [baby|baby] [came|came]?",
            "[What|What] [helps|helps] [you|you] [stay|stay] [in|in] [recovery|recovery] [right|right] [now|now]?",
        ],
        {
            "treatment_engagement": 4,
            "recovery_network": 4,
            "mental_health": 2.5,
            "maternal_bonding": 1.5,
            "social_needs": 1.5,
            "parenting_support": 1,
        },
    ),
    (
        "wellbeing",
        [
            "[How|How] [have|have] [you|you] [been|been] [doing|doing] [emotionally|emotionally], [like|like] [with|with] [your|your] [mood|mood] [and|and] [stress|stress]?",
            "[A lot|A lot] [of|of] [moms|moms] [talk|talk] [about|about] [stress|stress] [or|or] [feeling|feeling] [down|down] [after|after] [having|having] [a|a] [baby|baby]. [How|How] [has|has] [that|that] [been|been] [for|for] [you|you]?",
        ],
        {"mental_health": 4, "parenting_stress": 2, "nows_guilt": 1, "recovery_network": 1},
    ),
    (
        "cps",
        [
            "[Some|Some] [moms|moms] [we've|we've] [talked|talked] [to|to] [have|have] [had|had] [CPS|child protective services] [involved|involved]. [Has|Has] [that|that] [been|been] [part|part] [of|of] [your|your] [experience|experience]?",
            "[How|How] [do|do] [you|you] [feel|feel] [about|about] [CPS|child protective services] [and|and] [their|their] [role|role] [with|with] [moms|moms] [in|in] [recovery|recovery]?",
        ],
        {"cps_barrier": 4, "cps_promoter": 3, "provider_mistrust": 1.5, "social_needs": 0.8},
    ),
    (
        "services",
        [
            "[What|What] [kinds|kinds] [of|of] [services|services] [or|or] [help|help] [have|have] [you|you] [gotten|gotten] [since|since] [the|the] [delivery|delivery]? [What|What] [was|was] [missing|missing]?",
            "[Were|Were] [there|there] [things|things] [you|you] [needed|needed] [that|that] [were|were] [hard|hard] [to|to] [get|get]?",
        ],
        {
            "social_needs": 4,
            "parenting_support": 2,
            "recovery_network": 1.5,
            "treatment_engagement": 1,
            "nows_information_gap": 1,
        },
    ),
    (
        "advice",
        [
            "[If|If] [you|you] [could|could] [give|give] [advice|advice] [to|to] [another|another] [mom|mom] [in|in] [your|your] [shoes|situation], [what|what] [would|would] [you|you] [tell|tell] [her|her]?",
            "[What|What] [would|would] [you|you] [want|want] [nurses|nurses] [and|and] [doctors|doctors] [to|to] [know|know] [about|about] [moms|moms] [like|like] [you|you]?",
        ],
        {
            "compassionate_care": 2,
            "stigma": 2,
            "treatment_engagement": 1.5,
            "recovery_network": 1.5,
            "maternal_bonding": 1,
            "nows_information_gap": 1,
        },
    ),
]

PROVIDER_TOPICS: list[tuple[str, list[str], dict[str, float]]] = [
    (
        "background",
        [
            "[To|To] [start|start], [can|could] [you|you] [tell|tell] [me|me] [about|about] [your|your] [role|role] [and|and] [how|how] [long|long] [you've|you've] [been|been] [doing|doing] [this|this] [work|work]?",
        ],
        {},
    ),
    (
        "care_model",
        [
            "[Can|Can] [you|you] [walk|walk] [me|me] [through|through] [how|how] [your|your] [unit|team] [cares|cares] [for|for] [moms|moms] [with|with] [OUD|opioid use disorder] [and|and] [their|their] [babies|babies]?",
            "[What|What] [does|does] [care|care] [look|look] [like|like] [for|for] [a|a] [mom|mom] [on|on] [MOUD|methadone or buprenorphine] [who|who] [delivers|delivers] [here|here]?",
        ],
        {
            "maternal_bonding": 3,
            "parenting_support": 2,
            "compassionate_care": 3,
            "treatment_engagement": 2,
            "nows_information_gap": 1.5,
        },
    ),
    (
        "pain",
        [
            "[How|How] [is|is] [pain|pain] [managed|handled] [for|for] [moms|moms] [on|on] [MOUD|methadone or buprenorphine] [after|after] [delivery|delivery]?",
        ],
        {"delivery_pain": 4, "pain_misinformation": 4, "stigma": 1},
    ),
    (
        "nows",
        [
            "[How|How] [do|do] [you|you] [talk|talk] [with|with] [moms|families] [about|about] [neonatal|neonatal] [withdrawal|withdrawal], [NOWS|NAS]?",
            "[What|What] [is|is] [the|the] [approach|approach] [to|to] [babies|babies] [with|with] [withdrawal|NOWS] [here|here], [Eat-Sleep-Console|ESC], [rooming-in|rooming-in]?",
        ],
        {
            "nows_information_gap": 4,
            "nows_guilt": 2,
            "maternal_bonding": 2,
            "compassionate_care": 1.5,
        },
    ),
    (
        "staff",
        [
            "[How|How] [would|would] [you|you] [describe|describe] [staff|staff] [attitudes|attitudes] [toward|toward] [these|these] [moms|moms]?",
            "[What|What] [kind|kind] [of|of] [training|training] [have|have] [staff|staff] [had|had] [around|around] [substance|substance] [use|use] [and|and] [MOUD|MOUD]?",
        ],
        {
            "stigma": 4,
            "compassionate_care": 3,
            "pain_misinformation": 1.5,
            "provider_mistrust": 1.5,
        },
    ),
    (
        "cps",
        [
            "[How|How] [does|does] [CPS|child protective services] [involvement|reporting] [work|work] [here|here], [and|and] [how|how] [do|do] [moms|moms] [experience|experience] [it|it]?",
            "[Tell|Tell] [me|me] [about|about] [the|the] [plan|plan] [of|of] [safe|safe] [care|care] [process|process].",
        ],
        {"cps_barrier": 4, "cps_promoter": 3.5, "provider_mistrust": 2},
    ),
    (
        "after_discharge",
        [
            "[What|What] [happens|happens] [after|after] [discharge|discharge]? [What|What] [helps|helps] [moms|moms] [stay|stay] [in|in] [recovery|recovery]?",
            "[What|What] [do|do] [you|you] [see|see] [as|as] [the|the] [biggest|biggest] [barriers|barriers] [for|for] [moms|moms] [after|after] [they|they] [go|go] [home|home]?",
        ],
        {
            "treatment_engagement": 3,
            "recovery_network": 3,
            "social_needs": 3.5,
            "mental_health": 2.5,
            "parenting_stress": 2,
            "parenting_support": 2,
        },
    ),
    (
        "improve",
        [
            "[If|If] [you|you] [could|could] [change|change] [one|one] [thing|thing] [about|about] [how|how] [the|the] [system|system] [serves|serves] [these|these] [families|families], [what|what] [would|would] [it|it] [be|be]?",
        ],
        {
            "social_needs": 2,
            "stigma": 2,
            "nows_information_gap": 2,
            "compassionate_care": 1.5,
            "treatment_engagement": 1.5,
            "recovery_network": 1.5,
            "mental_health": 1.5,
            "cps_barrier": 1.5,
        },
    ),
]
REVISITS = [
    "[Going back to|Coming back to|I want to circle back to] something you said [earlier|before].",
    "[Let me|Can I] [go back|return] to [one thing|something] for a second.",
    "[Okay|Alright], [switching gears|one more thing on an earlier topic].",
    "[I'd like to|Let's] [revisit|go back over] [that a little|something].",
]
GOODBYES = [
    "[Thank you|Thanks] [too|for having me|for listening].",
    "[No problem|Of course], [thank you|thanks].",
    "[Yeah|Sure], [anytime|no problem]. [I hope|Hope] [it helps|this helps] [somebody|other moms|somebody else].",
    "[Okay|Alright], [thanks|thank you]. [Good luck with|Good luck on] [the study|your project|everything].",
]
