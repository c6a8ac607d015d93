"""Phrase banks and the template grammar behind the synthetic interview transcripts.

* :mod:`.grammar` — ``[a|b]`` / ``{slot}`` templates and the spoken-language transforms;
* :mod:`.patient_bank`, :mod:`.provider_bank` — propositions per code, by role;
* :mod:`.background` — uncoded talk, interviewer questions and probes, invented names.
"""
