"""The ground floor: what every other CollectorDojo package needs, importing none of them."""
