# ruff: noqa: E501  (phrase banks: one proposition per line reads better than wrapped strings)
"""Uncoded talk (small talk, demographics, logistics), interviewer questions and probes,
and the pools of invented names and places that personas are drawn from.

Every name and place here is invented for the synthetic study (towns and clinics are
made-up compounds; phone numbers use the fictional 555-01xx range), so that
de-identification can be exercised without touching anything real.

The module is data, not logic: its length is the size of the banks (one entry per line), and
splitting it would only scatter one vocabulary over several files.
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
        "[Yeah, no problem|Of course|Sure, that's fine], I [found|got] [a sitter|somebody to watch {baby}] for [an hour|today|the morning].",
        "[Sorry|Oh, sorry] I'm [running late|a little scattered|all over the place] [today|this morning], [the bus was slow|{baby} was being a handful|I couldn't find my keys].",
        "It's [freezing|so hot|pouring] [out there|outside] [today|right now], I almost [didn't come|stayed home].",
        "Is that [thing|the recorder] [on already|recording now]? I always get [nervous|kind of weird] talking into [those|these things].",
        "[This room is fine|Yeah, this is good], [do you mind if I|can I] [keep my coffee|have my phone] [out|here]?",
        "[Ha, no|No], it's [fine|okay], I [like talking about it|don't mind talking about it] [now|these days], it [helps me|actually helps].",
        "[Okay|Alright], I'm [ready|good], [just|I might] [have to check my phone|step out] if [{family}|the sitter] calls about {baby}.",
        "[Thanks for|I appreciate] the [gift card|coffee|snacks], [honestly|for real], [that helps|that's nice].",
        "[I've never done|I never did] [one of these|a study] before, so [I don't know|not sure] if I'll [say it right|be any good at it].",
        "[Yeah|Yes], I [read|signed] the [consent|paper], [it's fine|that's fine], [you can record|go ahead].",
    ],
    "demographics": [
        "I'm [twenty-four|twenty-six|thirty|thirty-one|twenty-eight|twenty-two|thirty-four], I grew up [in|over in] {town} and I've lived [around there|there] [most of my life|pretty much forever].",
        "@single: [{Baby}'s dad|The baby's dad] [isn't in the picture|isn't around|and I split up before {he} was born], so it's [just us|me and {baby}|just the two of us] [now|for now].",
        "@firstbaby: {Baby} is my [first|first baby|only one], so [everything is new|I'm learning as I go|it's all brand new to me].",
        "@kids: I have [two other kids, they're seven and four|one other kid, she's ten|three other kids, they're nine, five and two|an older boy, he's nine], and then {baby}.",
        "I [got|finished] my [GED|diploma] [a few years ago|when I was pregnant with my first|in {month}], and I've worked [fast food|retail|home health|cleaning jobs] mostly.",
        "Me and {partner} have been together [like three|about five|two] years, he [works construction|does roofing|works at the warehouse] [out in|over in] {town2}.",
        "We moved to {town} [last year|in {month}|when I was pregnant] to [be closer to {family}|get away from my old crowd|get a fresh start].",
        "My birthday is [in {month}|{month} {day}th], [right around|right after] when {baby} [came|was born], so that [was a lot|was a crazy month].",
        "[If you need to reach me|In case you need me], my [number|cell] is 555-01{digits}, [that's the best one|that's my cell].",
        "[I'm|I was] [the oldest|the youngest|the middle kid] of [four|five|three], and [my mom|my dad|my grandma] [raised us|mostly raised us] [in {town}|out in {town2}].",
        "I [started|was] [using|on pills] [when I was like nineteen|after a car accident|after my first C-section], and [it went from there|it just snowballed], [but that's a long story|you probably hear that a lot].",
        "I [work|used to work] [at a gas station|at a nursing home|at the Dollar General|cleaning houses] [part-time|a few days a week], [when I can get a sitter|when {partner}'s home].",
        "[We rent|We're renting] [a trailer|a little apartment|half a duplex] [in {town}|off Route {day}], [it's small|it's not much] but [it's ours|it works for now].",
        "[My mom|{Family}] [lives|is] [like ten minutes away|right down the road|out in {town2}], [so that helps|which is good], [we're close|we're getting closer again].",
    ],
    "logistics": [
        "So I had {baby} on [{birth_date}|a {weekday}, {birth_date}|{birth_date}, a {weekday}] at {hospital}, and we [stayed|were there] [about four|like five|six|nine] [days|nights].",
        "It was a [{weekday}|weekend|holiday weekend], so the unit was [kind of busy|packed|short staffed], I [remember that part|do remember that].",
        "I was there from [Tuesday|Sunday|Friday] to [the next Monday|the following weekend|Thursday], I [think|believe], it's kind of [a blur|fuzzy] now.",
        "The clinic is [on|over on] [Main|Fifth|Railroad|Church] Street, [right by|next to] the [Dollar General|gas station|library].",
        "@daily: I [go|try to go] [in|to the clinic] [at six|around seven|at six thirty] in the morning before [{partner} leaves for work|everybody's up], that's [our routine|the schedule].",
        "We just [did|had] {baby}'s [four-month|two-month|six-month] [shots|checkup] [last week|on {weekday}], {he}'s [almost|like] [twelve|fourteen|eleven] pounds [now|already].",
        "[Wait|Hold on|Hmm], was that [in {month}|in the spring|before Christmas|after {his} due date]? [No|No, sorry|Actually no], it was [later|earlier|the month after|a couple weeks before], [my dates are all mixed up|I'm terrible with dates|don't quote me on that|my brain is mush since the baby|I always mix that up].",
        "[My appointments are|Group is] [on|every] [Mondays and Thursdays|{weekday}s|Tuesday mornings], [and the pediatrician visits|and {baby}'s checkups] are [usually|mostly] [Fridays|{weekday}s].",
        "[We got home|They discharged us] [on a {weekday}|the {day}th], [around lunchtime|late at night|in the afternoon], [and|then] [{partner}|my mom] [picked us up|drove us home].",
        "[The NICU|The special care nursery] was [on the third floor|downstairs|in the other building], [so I'd walk back and forth|so I was up and down the elevator] [all day|like twenty times a day].",
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
        "@kids: This was my [second|third] time [going through it|dealing with all that|having a baby], so I [kind of knew|sort of knew] what to expect.",
        "@firstbaby: This was my first time [having a baby|going through any of it], so I [had no idea|didn't know] what to expect.",
        "[{He} was|{Baby} was] [born|here] [at like|around] [thirty-seven|thirty-eight|thirty-nine] weeks, [so not super early|so pretty much on time|a little early].",
        "[Sorry|Oh man, sorry], I [keep jumping around|jump around a lot|get off track], [it's|that's] [just how my brain works|how I talk|a lot to remember].",
        "[My phone|My cell] [died|was dead] [half the time|that whole week], so [I couldn't really|I didn't] [call anybody|keep track of anything].",
        "[{Partner}|The baby's dad] was [working|on the road|at work] [that week|most of that time|a lot], [he drives for a living|he had double shifts|he couldn't get off].",
        "It was [raining|snowing|so hot] [the whole week|that day|the day we left], I [remember that|remember that for some reason].",
        "[We|Me and {baby}] [ended up|wound up] [going home|getting out] on a [{weekday}|weekend|{weekday} afternoon].",
        "[I had|I got|I'd had] [like|maybe] [no|two hours of|barely any] sleep [that whole time|the first few nights|since the day before].",
        "@kids: [My older one|My oldest|{His} big brother] was [staying with|over at] [{family}'s|my cousin's|a friend's] [place|house] [during all that|while I was in there].",
        "[I kept|I still have] [the|all the] [papers|bracelets|pictures] from [the hospital|that week|that stay] [in a box|in a drawer|on my phone].",
        "[Honestly|I mean], [I've|I have] [told this story|talked about this] [a bunch of times|in group|to my counselor] [already|before], so [it's easier now|it's not as hard now].",
        "[It's been|That's been|{Baby}'s] [almost|like|about] {age_months} months [now|already], [time flies|crazy how fast it goes].",
        "[{Baby} is|{He}'s] {age_months} months [old|] [now|this week], [and|so] [{he}'s crawling|{he}'s rolling over|{he}'s sitting up|{he}'s laughing at everything] [already|now].",
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

PATIENT_BACKGROUND["history"] = [
    "I've been on {med} since [2019|2020|2021|my first pregnancy|before I got pregnant with {baby}], [through|at] {clinic}.",
    "I [started|got on] {med} [back in|around] [2018|2021|{month} of last year], [after|when] [my last relapse|I got out of detox|I found out I was pregnant].",
    "[Right now|Currently] I'm [on|doing] {med}, [through|at] {clinic}, [I've been going there|been there] [about|like] [two|three|four] years.",
]

PROVIDER_BACKGROUND: dict[str, list[str]] = {
    "smalltalk": [
        "[Sure|Of course|Happy to], I have [about an hour|forty-five minutes|until my next patient], so we're [good|fine].",
        "[Sorry|Apologies], my [pager|phone] [might|may] [go off|buzz], I'm [on call|covering] [today|this afternoon].",
        "[Yeah, go ahead|Fire away|Sure], I'm [ready|all set].",
        "It's been a [crazy|busy|long] [week|month] on {unit}, so this is [actually a nice break|kind of nice], [honestly|to be honest].",
        "[I'm glad|It's great] somebody is [studying this|asking about this], [we don't get asked|nobody asks us] [very often|much].",
        "[Let me just|I'll just] [close the door|silence my phone] [real quick|first].",
    ],
    "demographics": [
        "I've been a {ptype} for [about|almost|over] [twelve|eight|twenty|fifteen|six] years, the last [five|four|seven|three] [here at|at] {hospital}.",
        "I work [mostly|primarily] on {unit}, [mostly nights|days|twelve-hour shifts], and I also do [some precepting|some teaching|committee work].",
        "Before this I was at a [hospital|practice|clinic] in {town2} for [a few|several] years.",
        "I trained [out of state|up north|in the city] and came here in [2015|2018|2020|2012], so I've seen [a lot change|things shift].",
        "I'm [also|actually] [{lived}|a mom myself|from this area], [so this work is personal|which shapes how I see it], [I'll just say that|to be transparent].",
        "My [background|training] is in {training}, [and before this|and early on] I [worked in|spent a few years in] [home health|the ER|child welfare|a county program].",
        "I [split my time|divide my week] between {unit} and [the outpatient clinic|{clinic}|the county program], [roughly half and half|about three days and two].",
        "I [coordinate|run] the [perinatal substance use program|MOUD program|peer program] [here|at {hospital}], [it started|we started it] in [2019|2021|2017].",
    ],
    "logistics": [
        "We see [maybe|probably] [thirty|forty|sixty|a hundred] [births|deliveries] a year where mom is on [MOUD|methadone or buprenorphine].",
        "Our unit has [about|maybe] [twenty|twenty-four|sixteen] [beds|rooms], and we share a [social worker|pharmacist] with [the NICU|the floor above us].",
        "I can send you our [protocol|policy] if that's [useful|helpful], my [extension|number] is 555-01{digits}.",
        "The [policy|protocol] [changed|was updated] in [{month}|the fall|the spring] of [last year|that year], I [think|believe].",
        "[Our average length of stay|The length of stay] for [babies with NOWS|withdrawing babies] [went from|dropped from] [about two weeks|sixteen days] to [about five days|under a week] [after ESC|with Eat-Sleep-Console].",
        "We [have|get] [referrals|patients] from [three counties|the whole region|as far as {town2}], [so some families drive an hour|so travel is a big deal].",
        "[Our team|The consult team] [is|is just] [me, a social worker, and a peer|two nurses and a part-time physician], [so we're stretched|which isn't a lot].",
        "[We meet|The team meets] [every {month}|monthly|every other week] with [the OTP|the county|CPS] to [go over cases|coordinate], [it's a standing meeting|it's on the calendar].",
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
    "[Okay|Alright], the [recorder|recording] is [on|going] now. [Thank you|Thanks] [so much|again] for [meeting|talking] with me [today|this morning|this afternoon]. [Like|As] we [went over|talked about] in the consent, you can [skip|pass on] any question, and we can [stop|pause] [any time|whenever you want].",
    "[So|Okay], just to start, [thank you|thanks] for being willing to do this. There are no right or wrong answers, I just want to hear about your [experience|experiences].",
    "[Alright|Okay], we're recording. [Before we start|First], [is|does] [now still a good time|this time still work for you]? [Great|Good]. [Like I said|As I mentioned], this is [about an hour|around forty-five minutes to an hour], and [anything you say|what you tell me] [stays confidential|is kept private], [names get taken out|we take names out] [before anyone reads it|of the transcripts].",
    "[Thanks for coming in|Thanks for making the time]. [I'm going to|I'll] [ask about|go through] [a few topics|some topics], but [this is really a conversation|it's really just a conversation], so [go wherever you want with it|feel free to tell me whatever feels important].",
]
CLOSING_Q = [
    "Is there anything [else|] I [didn't ask about|haven't asked] that you think is important for us to know?",
    "If you could change one thing about how [{carewho}|the hospital] [handles|handled] this, what would it be?",
    "[Before we wrap up|We're almost done], is there anything you'd want [other moms|other families|people like me] to [know|hear]?",
    "[Last question|One last thing]: what [gives you hope|keeps you going] [right now|these days]?",
]
CLOSING_THANKS = [
    "[Okay|Alright], that's [everything|all I have]. [Thank you|Thanks] so much, this was [really helpful|so helpful]. I'll [stop|turn off] the [recording|recorder] now.",
    "[Great|Okay], well, thank you for your time and for being so [open|honest]. I'm [going to|gonna] stop the recording here.",
    "[Thank you|Thanks]. [Really|Truly], [I appreciate|we appreciate] [you sharing all of that|your honesty]. [Let me stop the recording|I'll turn this off now].",
]
PROBES = [
    "[Can|Could] you [tell me|say] [more|a little more] about that?",
    "What was that like for you?",
    "How did that make you feel?",
    "[Mm-hm|Okay]. And then what happened?",
    "When you say that, what do you mean?",
    "Can you give me an example?",
    "[Mm|Mm-hm]. Say more about that.",
    "How did you [handle|deal with] that?",
    "Was that different from what you expected?",
    "[Wow|Okay]. And how are things now?",
    "What do you think would have helped in that moment?",
    "Who else was [involved|around] then?",
    "You mentioned {echo} [earlier|a minute ago]. Can you say more about that?",
    "[Mm-hm|Yeah]. Did anyone [help you with that|talk to you about that]?",
    "[Okay|Right]. How did you get through that?",
    "[Hm|Mm]. What was going through your mind [then|at that point]?",
    "Is that still [the case|how it is] [now|today]?",
    "[Okay|Mm-hm]. Anything else about that?",
]
PROVIDER_PROBES = [
    "[Can|Could] you say more about that?",
    "How does that play out [day to day|on a typical shift]?",
    "Is that a unit policy, or more [individual|up to each person]?",
    "Can you think of a specific [case|patient]?",
    "What would help with that?",
    "How do the moms [react to|respond to] that?",
    "Has that changed over time?",
    "[Mm-hm|Okay]. Anything else on that?",
    "Who [else|] is involved in that, [on the team|outside your unit]?",
    "What gets in the way of doing that [more|consistently]?",
    "[Interesting|Okay]. Why do you think that is?",
    "Is that something [staff|your colleagues] agree on?",
]

# (topic, question templates, code weights) for patients; weights multiply role prevalence.
PATIENT_TOPICS: list[tuple[str, list[str], dict[str, float]]] = [
    (
        "background",
        [
            "To start, [can|could] you tell me a [little|bit] about yourself and your family?",
            "So tell me a [little|bit] about [yourself|you], where you're from, who's at home?",
            "[Let's start easy|First, an easy one]: who's in your family [right now|these days]?",
        ],
        {},
    ),
    (
        "pregnancy",
        [
            "Can you tell me about your pregnancy with {baby}, and how your treatment was going [then|at that time]?",
            "Let's go back to when you found out you were pregnant. What was that like [with your recovery|for you]?",
            "[During the pregnancy|While you were pregnant], what was your [care|prenatal care] like?",
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
            "Tell me about the delivery[| — the day {baby} was born]. How did that go?",
            "What do you remember about labor and delivery?",
            "[Walk me through|Take me back to] the day {baby} was born.",
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
            "After {baby} was born, what was the hospital stay like for you [two|both]?",
            "How was {baby} doing in those first days, and how were you doing?",
            "[What was it like|How was it] [on the unit|in the hospital] [after the birth|those first few days]?",
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
            "What has it been like since you brought {baby} home?",
            "How are things at home with the baby these days?",
            "What's a typical day like [with {baby}|at home] now?",
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
            "How has your recovery been going since the baby came?",
            "What helps you stay in recovery right now?",
            "[Who or what|What] [supports your recovery|keeps you on track] [these days|since the birth]?",
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
            "How have you been doing emotionally, [like with your mood and stress|with stress and your mood]?",
            "A lot of moms talk about stress or feeling down after having a baby. How has that been for you?",
            "[How are you taking care of yourself|How's your mental health been] [these days|since the baby]?",
        ],
        {"mental_health": 4, "parenting_stress": 2, "nows_guilt": 1, "recovery_network": 1},
    ),
    (
        "cps",
        [
            "Some moms we've talked to have had [CPS|child protective services] involved. Has that been part of your experience?",
            "How do you feel about [CPS|child protective services] and their role with moms in recovery?",
            "[Has CPS come up for you at all|Did child protective services come up], [during the pregnancy or after|at any point]?",
        ],
        {"cps_barrier": 4, "cps_promoter": 3, "provider_mistrust": 1.5, "social_needs": 0.8},
    ),
    (
        "services",
        [
            "What kinds of services or help have you gotten since the delivery? What was missing?",
            "Were there things you needed that were hard to get?",
            "[If you think about|Thinking about] [practical stuff|everyday needs] — [rides, money, housing|housing, transportation, childcare] — how has that been?",
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
            "If you could give advice to another mom in your [shoes|situation], what would you tell her?",
            "What would you want nurses and doctors to know about moms like you?",
            "[Looking back|Thinking back], what [made the biggest difference|helped the most], and what [got in the way|made it harder]?",
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
            "To start, [can|could] you tell me about your role and how long you've been doing this work?",
            "[First|To begin], [what's your role|tell me about your position] [here|at {hospital}]?",
        ],
        {},
    ),
    (
        "care_model",
        [
            "Can you walk me through how your [unit|team] cares for moms with [OUD|opioid use disorder] and their babies?",
            "What does care look like for a mom on [MOUD|methadone or buprenorphine] who delivers here?",
            "[How is care organized|How does your team work] for [pregnant and postpartum|perinatal] patients with substance use?",
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
            "How is pain [managed|handled] for moms on [MOUD|methadone or buprenorphine] after delivery?",
            "[What's your experience with|How do you approach] pain control for [patients|moms] on buprenorphine or methadone?",
        ],
        {"delivery_pain": 4, "pain_misinformation": 4, "stigma": 1},
    ),
    (
        "nows",
        [
            "How do you talk with [moms|families] about neonatal withdrawal, [NOWS|NAS]?",
            "What is the approach to babies with [withdrawal|NOWS] here, [Eat-Sleep-Console|ESC], rooming-in?",
            "What do [moms|families] [know|understand] about NOWS [when they arrive|before delivery]?",
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
            "How would you describe staff attitudes toward these moms?",
            "What kind of training have staff had around substance use and MOUD?",
            "[How do|Do] [your colleagues|people on your unit] talk about [these patients|moms with OUD]?",
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
            "How does [CPS|child protective services] [involvement|reporting] work here, and how do moms experience it?",
            "Tell me about the plan of safe care process.",
            "[What's the relationship like|How do you work] with [CPS|the county caseworkers]?",
        ],
        {"cps_barrier": 4, "cps_promoter": 3.5, "provider_mistrust": 2},
    ),
    (
        "after_discharge",
        [
            "What happens after discharge? What helps moms stay in recovery?",
            "What do you see as the biggest barriers for moms after they go home?",
            "[Where|When] do you [lose|see] moms [drop out of care|fall through the cracks]?",
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
            "If you could change one thing about how the system serves these families, what would it be?",
            "[What would you want|What should] [hospital leaders|policymakers] [to know|know] about this work?",
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

#: Follow-ups to the introductions (background topic), by role.
BACKGROUND_PROBES = [
    "[Mm-hm|Okay]. And who's at home with you [now|these days]?",
    "[Got it|Okay]. And how old is {baby} now?",
    "And where are you living [these days|right now]?",
    "[Okay|Mm-hm]. Anything else about you I should know?",
    "[And|So] what does a [normal|typical] week look like for you?",
]
PROVIDER_BACKGROUND_PROBES = [
    "And how long have you been [in that role|doing that]?",
    "[Okay|Mm-hm]. What does a typical week look like for you?",
    "[Got it|Okay]. And how big is your [unit|team]?",
    "How did you [end up|get into] this work?",
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
#: How a participant may start an answer to an open probe (before the substance).
PREFACES = [
    "[Yeah|Hmm|Mm|Oh, gosh|Well|Um|Oh man|Okay|Ha, yeah|Oof].",
    "[Yeah|Oh|So], [let me think|how do I put this|where do I start].",
    "[That's a good question|Good question|Hmm, that's hard to say].",
]

# Uncoded talk that uses the themes' words without carrying a theme (a coder would not code
# it): keeps codes from being guessable from a single keyword ("pain", "CPS", "NICU", "dose").
PATIENT_BACKGROUND["aside"] = [
    "The [CPS|county] office is [on Fifth Street|by the courthouse|across from the library], [I pass it|we drive past it] [every day|on the way to {clinic}].",
    "[My sister|{Family}] [has had back problems for years|has had a bad back forever|has a bad back], [she|and she] [sees|goes to] a chiropractor [in {town2}|over in {town2}].",
    "[The NICU|The nursery] had [these|those] [little knitted hats|tiny hats] [the volunteers make|from the church ladies], {baby} [still has|kept] [the blue one|the striped one|one of them].",
    "[My nurse|One of the nurses] [was from|grew up in] {town} [too|as well], [we figured out|turns out] [we went to the same high school|we know some of the same people].",
    "The [parking|parking garage] at {hospital} [costs|was like] [twelve dollars a day|a fortune], [that's|which is] [crazy|ridiculous] [if you think about it|for people like us].",
    "[I|We] [watched|binged] [a whole season of something|so much TV] [in the hospital|those nights], [I don't even remember what|I couldn't tell you what it was].",
    "@daily: [My dose time|Dosing hours] [moved|changed] to [seven|six thirty] [in {month}|last month], [that's all|no big deal], [just|it's just] [earlier|a little earlier].",
    "{Partner} [hurt|threw out] his [back|shoulder] at work [in {month}|last year], [so|and] he [was off|was out] for [a couple weeks|a while].",
    "[The doctor|Our pediatrician] has [a fish tank|a big aquarium] in [the waiting room|the lobby] and {baby} [just stares at it|loves it].",
    "[I|We] [had to|got to] [fill out|do] [like|] [a hundred|so many] [forms|papers] at [discharge|the end], [you know how it is|the usual stuff].",
    "[We|I] [took|did] [a tour|the tour] of [labor and delivery|the maternity floor] [in {month}|at like thirty weeks], [they|it] [had|showed] [the birthing tubs|the rooms] and stuff.",
    "[My mom|{Family}] [works|used to work] [at a pharmacy|at the hospital cafeteria|in a nursing home], [so|and] she [knows|knew] [a lot of people there|everybody].",
]
PROVIDER_BACKGROUND["aside"] = [
    "[Our|The] [CPS liaison|county liaison] [sits|has an office] [two floors down|in the other building], [which is just|that's just] [where the space was|how the building is laid out].",
    "[We|The unit] [moved|relocated] [to the new wing|to the fourth floor] [in {month}|last spring], [so|and] [the rooms are bigger now|everyone's still finding things].",
    "[Pain|Pain management] [rounds|huddles] [happen|are] [at seven|at eight] [every morning|on weekdays], [that's just the schedule|for all surgical patients].",
    "[I|We] [precept|have] [nursing students|residents] [from the university|every semester], [so|and] [they rotate through|they cycle through] [the NICU|the unit] [for a few weeks|each term].",
    "[The pharmacy|Our pharmacy] [is|is open] [twenty-four hours|around the clock], [which is nice|that helps] [for the whole hospital|on nights].",
    "[We|The hospital] [switched|changed] [charting systems|electronic records] [a couple years ago|in {month}], [and|so] [everything|all the templates] [got rebuilt|changed].",
]
