"""MOUD treatment episodes from dispensing records (pharmacy fills, OTP dosing, injections)."""

from analysis.episodes._derive import (
    ENGINES,
    EPISODE_COLUMNS,
    EpisodeRules,
    continuity,
    derive_episodes,
    episode_at,
    gap_sensitivity,
)

__all__ = [
    "ENGINES",
    "EPISODE_COLUMNS",
    "EpisodeRules",
    "continuity",
    "derive_episodes",
    "episode_at",
    "gap_sensitivity",
]
