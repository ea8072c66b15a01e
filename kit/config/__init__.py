"""Layer 1: the campaign as configured: campaign.yml, units, criteria frameworks, answer types, award rules."""
