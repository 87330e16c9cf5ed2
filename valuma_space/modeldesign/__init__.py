"""Model design: themes, operating-model alternatives and funding options, the ex-ante
assessment criteria, and comments linked to them as evidence."""
