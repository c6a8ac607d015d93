"""Small, valid, hand-written study tables (invented; no real person) for the tests.

Each function returns CSV text; :func:`write_study` lays out a whole study folder in
``tmp_path`` the way docs/architecture.md describes, so tests can break one thing at a time.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

DELIVERIES = """\
delivery_id,person_id,delivery_date,site,age,race_ethnicity,insurance,parity,pmad,housing_instability,moud_initiation_week,moud_start,moud,peer_recovery_coach,home_visiting,cps_report,infant_nows,plan_of_safe_care,coverage_end_date
D001,p001,2021-03-10,north,28,white,medicaid,1,true,false,14,2020-11-20,buprenorphine,true,false,false,true,true,
D002,p002,2021-06-02,south,33,black,private,0,false,true,,,none,false,false,true,false,false,2021-12-31
D003,p001,2023-01-05,north,30,white,medicaid,2,false,false,20,2022-09-01,methadone,false,true,false,true,true,
D004,p003,2022-08-15,east,24,hispanic,uninsured,3,true,true,31,2022-05-01,naltrexone,true,true,false,false,true,
"""

DISPENSING = """\
claim_id,person_id,fill_date,drug,days_supply,source
C001,p001,2020-11-20,buprenorphine,30,pharmacy
C002,p001,2020-12-18,buprenorphine,30,pharmacy
C003,p001,2021-03-25,buprenorphine,14,pharmacy
C004,p003,2022-05-01,naltrexone,28,clinic
C005,p001,2022-09-01,methadone,1,otp
C006,p001,2022-09-02,methadone,6,otp
"""

EVENTS = """\
event_id,person_id,delivery_id,event_date,event_type
E001,p001,D001,2021-05-01,return_to_use
E002,p002,D002,2021-12-31,coverage_loss
E003,p003,D004,2022-11-02,overdose_nonfatal
"""

PARTICIPANTS = """\
participant_id,role,site,person_id,provider_type,interview_date
P01,patient,north,p001,,2021-09-14
P02,patient,east,p003,,2022-12-01
V01,provider,north,,nurse,2021-10-02
"""

MANIFEST = """\
transcript_id,participant_id,file,interview_date,interviewer
T01,P01,T01.txt,2021-09-14,int_a
T02,V01,T02.txt,2021-10-02,int_b
"""

CODINGS = """\
coding_id,transcript_id,coder,code_id,start,end,memo
K001,T01,coder_a,maternal_bonding,12,40,
K002,T01,coder_b,maternal_bonding,12,38,shorter span
K003,T02,consensus,stigma,10,30,
"""

STUDY_YAML = """\
name: Test study
description: hand-written fixture
data:
  deliveries: data/deliveries.csv
  dispensing: data/dispensing.csv.gz
  events: data/events.csv
  participants: data/participants.csv
  transcripts: transcripts/manifest.csv
  codings: codings.csv
coders: [coder_a, coder_b]
outcomes:
  gap_days: 30
  follow_up_days: 365
"""

TEXTS = {
    "T01": "INTERVIEWER: How was it after the birth?\n\nP01: Holding my baby kept me going.\n",
    "T02": "INTERVIEWER: What do families need?\n\nV01: Less judgement from staff.\n",
}


def frame(csv_text: str) -> pd.DataFrame:
    """CSV text as a frame of strings, as :func:`data_dictionary.read_raw` reads files."""
    return pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)


def write_study(root: Path, *, study_yaml: str = STUDY_YAML, **replace: str) -> Path:
    """Write a complete valid study into ``root``; keyword arguments replace a table's CSV."""
    tables = {
        "deliveries": DELIVERIES,
        "dispensing": DISPENSING,
        "events": EVENTS,
        "participants": PARTICIPANTS,
        "transcripts": MANIFEST,
        "codings": CODINGS,
    }
    tables.update(replace)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "transcripts").mkdir(exist_ok=True)
    (root / "study.yaml").write_text(study_yaml)
    (root / "data" / "deliveries.csv").write_text(tables["deliveries"])
    (root / "data" / "dispensing.csv.gz").write_bytes(gzip.compress(tables["dispensing"].encode()))
    (root / "data" / "events.csv").write_text(tables["events"])
    (root / "data" / "participants.csv").write_text(tables["participants"])
    (root / "transcripts" / "manifest.csv").write_text(tables["transcripts"])
    for name, text in TEXTS.items():
        (root / "transcripts" / f"{name}.txt").write_text(text)
    (root / "codings.csv").write_text(tables["codings"])
    return root
