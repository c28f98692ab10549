"""Altair charts. Estimated and modelled values are always drawn differently (dashed, hollow) from recorded ones.

Every chart has a title and a one-sentence description (read out by screen readers) and no fixed
width, so it fills its container from a phone to a projector. Dashes mean "estimated" (long) or "modelled"
(short) and nothing else: control limits, funnel limits and notes are drawn with solid lines.
"""
