window.YTD.tweets.part0 = [
  {
    "tweet": {
      "id_str": "1000000000000000101",
      "id": "1000000000000000101",
      "full_text": "The Bosque Trail reopens Saturday after winter repairs. Thank you for your patience.",
      "created_at": "Mon Mar 03 15:00:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000101"
          ]
        }
      }
    }
  },
  {
    "tweet": {
      "id_str": "1000000000000000102",
      "id": "1000000000000000102",
      "full_text": "Spring hours at the Rio Verde pool start next week: 7am to 7pm daily.",
      "created_at": "Tue Mar 04 17:30:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000102"
          ]
        }
      }
    }
  },
  {
    "tweet": {
      "id_str": "1000000000000000103",
      "id": "1000000000000000103",
      "full_text": "Volunteers are welcome at the Bosque Trail clean-up on March 15. Gloves provided.",
      "created_at": "Thu Mar 06 14:15:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000103"
          ]
        }
      }
    }
  },
  {
    "tweet": {
      "id_str": "1000000000000000104",
      "id": "1000000000000000104",
      "full_text": "Reminder: the Bosque Trail parking lot is closed during the clean-up.",
      "created_at": "Thu Mar 06 18:45:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000104"
          ]
        }
      },
      "in_reply_to_status_id_str": "1000000000000000103",
      "in_reply_to_screen_name": "ValleFictivoParks"
    }
  },
  {
    "tweet": {
      "id_str": "1000000000000000105",
      "id": "1000000000000000105",
      "full_text": "Youth soccer sign-ups close Friday at the community center front desk.",
      "created_at": "Mon Mar 10 16:00:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000105"
          ]
        }
      }
    }
  },
  {
    "tweet": {
      "id_str": "1000000000000000106",
      "id": "1000000000000000106",
      "full_text": "Thank you to everyone who came to the Arbor Day planting at Mesa Park.",
      "created_at": "Wed Mar 12 20:05:00 +0000 2025",
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "favorite_count": "0",
      "retweet_count": "0",
      "lang": "en",
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1000000000000000106"
          ]
        }
      }
    }
  }
]
