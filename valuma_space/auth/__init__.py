"""Who people are: accounts, roles, sign-in and the rules for who may see what."""
