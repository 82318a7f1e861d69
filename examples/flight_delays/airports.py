"""Real US airports and carriers used by the flight delay example.

Coordinates are the airports' published latitude/longitude (degrees); the carrier table
gives each airline's hubs and how punctual it tends to be (shape of its delay tail).
Shared by generate_data.py (schedules, distances) and the example's tests (unseen routes).
"""

import math

# IATA code -> (latitude, longitude, congestion): congestion scales departure delays
# (busy, weather-prone airports such as ORD, EWR, LGA and SFO run late more often).
AIRPORTS = {
    "ATL": (33.6407, -84.4277, 1.10), "LAX": (33.9416, -118.4085, 1.05),
    "ORD": (41.9742, -87.9073, 1.35), "DFW": (32.8998, -97.0403, 1.15),
    "DEN": (39.8561, -104.6737, 1.15), "JFK": (40.6413, -73.7781, 1.25),
    "SFO": (37.6213, -122.3790, 1.30), "SEA": (47.4502, -122.3088, 0.95),
    "LAS": (36.0840, -115.1537, 1.00), "MCO": (28.4312, -81.3081, 1.00),
    "EWR": (40.6895, -74.1745, 1.40), "CLT": (35.2144, -80.9473, 0.95),
    "PHX": (33.4342, -112.0116, 0.90), "IAH": (29.9902, -95.3368, 1.05),
    "MIA": (25.7959, -80.2870, 1.05), "BOS": (42.3656, -71.0096, 1.20),
    "MSP": (44.8848, -93.2223, 0.95), "FLL": (26.0742, -80.1506, 1.05),
    "DTW": (42.2162, -83.3554, 0.95), "PHL": (39.8744, -75.2424, 1.15),
    "LGA": (40.7769, -73.8740, 1.40), "BWI": (39.1774, -76.6684, 1.05),
    "SLC": (40.7899, -111.9791, 0.85), "SAN": (32.7338, -117.1933, 0.90),
    "IAD": (38.9531, -77.4565, 1.00), "DCA": (38.8512, -77.0402, 1.05),
    "MDW": (41.7868, -87.7522, 1.20), "TPA": (27.9755, -82.5332, 0.95),
    "PDX": (45.5898, -122.5951, 0.85), "HNL": (21.3245, -157.9251, 0.70),
    "STL": (38.7487, -90.3700, 0.90), "BNA": (36.1263, -86.6774, 0.95),
    "AUS": (30.1975, -97.6664, 0.95), "OAK": (37.7126, -122.2197, 0.95),
    "MCI": (39.2976, -94.7139, 0.85), "SMF": (38.6951, -121.5908, 0.85),
    "SJC": (37.3639, -121.9289, 0.90), "RDU": (35.8801, -78.7880, 0.90),
    "MSY": (29.9934, -90.2580, 0.95), "SAT": (29.5337, -98.4698, 0.90),
    "HOU": (29.6454, -95.2789, 1.00), "CLE": (41.4058, -81.8539, 0.95),
    "PIT": (40.4919, -80.2329, 0.90), "IND": (39.7169, -86.2956, 0.90),
    "CMH": (39.9980, -82.8919, 0.90), "ABQ": (35.0402, -106.6090, 0.85),
    "ANC": (61.1743, -149.9962, 0.80), "OGG": (20.8986, -156.4305, 0.70),
    "BUR": (34.2007, -118.3587, 0.90), "ONT": (34.0560, -117.6012, 0.85),
}

# Carrier code -> (hubs, punctuality): punctuality scales the carrier's delay tail
# (below 1 = better than average, e.g. Hawaiian and Alaska; above 1 = Spirit, Frontier).
CARRIERS = {
    "AA": (["DFW", "CLT", "ORD", "MIA", "PHL", "PHX"], 1.05),
    "DL": (["ATL", "MSP", "DTW", "SLC", "JFK", "SEA"], 0.85),
    "UA": (["ORD", "DEN", "IAH", "EWR", "SFO", "IAD"], 1.10),
    "WN": (["MDW", "LAS", "BWI", "DEN", "PHX", "HOU", "OAK"], 1.00),
    "B6": (["JFK", "BOS", "FLL", "MCO"], 1.15),
    "AS": (["SEA", "PDX", "ANC", "SFO"], 0.80),
    "NK": (["FLL", "LAS", "DTW", "ORD"], 1.35),
    "F9": (["DEN", "LAS", "MCO"], 1.30),
    "HA": (["HNL", "OGG"], 0.60),
    "VX": (["SFO", "LAX"], 0.95),
    "EV": (["ATL", "IAH", "EWR", "ORD"], 1.20),
    "OO": (["SLC", "DEN", "ORD", "LAX", "SFO"], 1.05),
}

EARTH_RADIUS_MILES = 3958.8


def great_circle_miles(origin, dest):
    """Haversine distance between two airports of AIRPORTS, rounded to whole miles."""
    lat1, lon1, _ = AIRPORTS[origin]
    lat2, lon2, _ = AIRPORTS[dest]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a)))
