"""governance: boards and their members, the register of interests, meetings, votes with
automatic recusal, powers from above, and the hash-chained record of decisions."""
