"""Layer 2: files units and offices send, read tolerantly and checked: forms, registrations, nominations."""
