window.YTD.account.part0 = [
  {
    "account": {
      "email": "records@parks.example.gov",
      "username": "ValleFictivoParks",
      "accountId": "1000000000000000001",
      "createdAt": "2024-01-08T16:00:00.000Z",
      "accountDisplayName": "Valle Fictivo Parks (fictional)"
    }
  }
]
