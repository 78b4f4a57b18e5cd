"""The unconference's services, one module per part of running it.

- ``access``: finding an unconference and its topics, who a delegate is, rate limits
- ``setup``: rooms, slots, settings, opening and closing pitching and marking
- ``pitches``: the pitch queue, editing, merging and withdrawing topics
- ``interest``: the marks delegates put on the topics they want to join
- ``placement``: the solver's plan and moves by hand
- ``programme``: placed topics as programme sessions (through ``hubbub.events.services``)
- ``board``: the board and the projector, rendered and published live
- ``outcomes``: note-takers, notes, and publishing them on the live blog
"""
