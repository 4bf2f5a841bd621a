"""Reading postmortem prose: passages, sentences, who does what, and vague actions.

No model and no data downloaded at run time: curated word lists (`lexicon`,
`given_names`) and light syntax (the noun phrase before a verb is its subject).
"""
