#!/usr/bin/env python3
"""Writes Sources/Learning/Resources/demo-curriculum.jsonl: the demo curriculum that `lodestar serve`
imports into an empty data directory (the same JSONL as POST /api/v1/import).

Written for this project: middle-school maths and science concepts with prerequisites, content
items with explanatory text, and assessment items with answer keys. Deterministic."""
import json, pathlib
from fractions import Fraction

OUT = pathlib.Path(__file__).resolve().parent.parent / "Sources/Learning/Resources/demo-curriculum.jsonl"
records = []

def concept(id, name, description, prerequisites=()):
    records.append({"record": "concept", "id": id, "name": name, "description": description,
                    "prerequisites": list(prerequisites)})

def content(cid, n, title, text, kind, difficulty, extra=()):
    records.append({"record": "content", "id": f"{cid}-c{n:02d}", "title": title, "text": text,
                    "concept_ids": [cid, *extra], "kind": kind, "difficulty": difficulty})

def item(cid, n, prompt, key, extra=()):
    records.append({"record": "assessment_item", "id": f"{cid}-q{n:02d}", "concept_ids": [cid, *extra],
                    "prompt": prompt, "key": key})

def numeric(x, tol=0.01): return {"type": "numeric", "answer": x, "tolerance": tol}
def exact(s, *alts): return {"type": "exact", "answer": s, "accepted": list(alts)}
def choice(choices, answer): return {"type": "multiple_choice", "choices": choices, "answer": answer}

C = {}
def define(id, name, description, prereq, items):
    concept(id, name, description, prereq)
    for n, (title, kind, difficulty, text) in enumerate(items, 1):
        content(id, n, title, text, kind, difficulty)

define("fractions_basics", "Fractions as parts of a whole",
       "A fraction names equal parts of a whole or a set: the denominator counts the equal parts, the numerator counts the parts taken.",
       [], [
 ("What a fraction means", "lesson", 1, "A fraction such as 3/4 describes a whole cut into 4 equal parts with 3 of them taken. The bottom number, the denominator, tells how many equal parts make the whole; the top number, the numerator, tells how many parts we have."),
 ("Fractions on a number line", "lesson", 2, "Split the distance from 0 to 1 into as many equal steps as the denominator. The fraction 2/5 sits at the end of the second of five equal steps. Every fraction is a point on the number line, just like a whole number."),
 ("Unit fractions", "video", 1, "A unit fraction has numerator 1, like 1/2, 1/3 or 1/8. The larger the denominator, the smaller each piece: 1/8 of a pizza is smaller than 1/4 of the same pizza because the pizza is shared among more people."),
 ("Fractions of a set", "lesson", 2, "A fraction can describe part of a group. If 12 students are in a class and 1/3 of them walk to school, divide 12 into 3 equal groups of 4: four students walk."),
 ("Comparing fractions with the same denominator", "exercise", 2, "When two fractions have the same denominator, the pieces are the same size, so the fraction with the larger numerator is larger: 5/8 is greater than 3/8. Practise by shading both on identical bars."),
 ("Comparing fractions with the same numerator", "exercise", 3, "With equal numerators, compare the size of the pieces: 3/5 is greater than 3/7 because fifths are larger than sevenths. Fewer equal parts means bigger parts."),
 ("Improper fractions and mixed numbers", "lesson", 3, "A fraction whose numerator is at least its denominator, like 7/4, is greater than or equal to one whole. Divide 7 by 4 to write it as the mixed number 1 3/4: one whole and three quarters left over."),
 ("Fraction vocabulary quiz", "quiz", 1, "Check the words numerator, denominator, unit fraction, proper fraction and improper fraction. Each question shows a shaded shape and asks which fraction it shows and which number is the denominator."),
 ("Fractions in recipes", "exercise", 4, "A recipe for 4 people uses 3/4 cup of milk. Use fraction of a quantity thinking to explain what part of a cup each person's share uses, and draw the cup divided into quarters."),
])
define("equivalent_fractions", "Equivalent fractions",
       "Equivalent fractions name the same amount: multiplying or dividing numerator and denominator by the same non-zero number gives an equal fraction; simplest form divides by the greatest common factor.",
       ["fractions_basics"], [
 ("Why 1/2 equals 2/4", "lesson", 1, "Cut each half of a bar into two equal pieces and the bar has 4 pieces, 2 of them shaded: 1/2 and 2/4 cover the same amount. Multiplying top and bottom by the same number splits every piece the same way, so the amount does not change."),
 ("Generating equivalent fractions", "exercise", 2, "Multiply numerator and denominator by 2, 3, 4 and so on: 3/5 = 6/10 = 9/15 = 12/20. Make a list for 2/3 and check each one on a fraction wall."),
 ("Simplifying fractions", "lesson", 2, "To write a fraction in simplest form, divide the numerator and denominator by their greatest common factor. For 18/24 the greatest common factor is 6, so 18/24 = 3/4."),
 ("Greatest common factor for simplifying", "video", 3, "List the factors of both numbers, or use prime factorisation, to find the greatest common factor. Dividing by it once gives the simplest form directly, instead of dividing by small numbers many times."),
 ("Cross products test", "lesson", 3, "Two fractions a/b and c/d are equivalent exactly when a times d equals b times c. For 4/6 and 10/15, 4 x 15 = 60 and 6 x 10 = 60, so they are equivalent."),
 ("Comparing fractions with a common denominator", "exercise", 3, "To compare 5/6 and 7/9, rewrite both over 18: 15/18 and 14/18. Now the pieces are the same size and 15/18 is larger, so 5/6 > 7/9."),
 ("Fraction wall exploration", "video", 1, "A fraction wall stacks bars cut into halves, thirds, quarters and more. Lining up edges shows equivalent fractions such as 2/6 = 1/3 and 6/8 = 3/4 at a glance."),
 ("Equivalent fractions check-up", "quiz", 2, "Find the missing number in 3/4 = ?/20, simplify 15/25, and decide whether 6/9 and 8/12 are equivalent. Show the multiplication or division you used."),
 ("Simplest form challenge", "exercise", 4, "Simplify 84/126 and 144/360 using prime factorisation. Explain why a fraction is in simplest form when numerator and denominator share no common factor other than 1."),
])
define("fraction_addition", "Adding and subtracting fractions",
       "Fractions are added or subtracted by writing them with a common denominator, then adding or subtracting numerators and simplifying the result.",
       ["equivalent_fractions"], [
 ("Adding like fractions", "lesson", 1, "When denominators match, the pieces are the same size, so add the numerators and keep the denominator: 2/7 + 3/7 = 5/7. The denominator names the size of the pieces and does not change."),
 ("Finding a common denominator", "lesson", 2, "To add 1/4 and 1/6, rewrite both with a common denominator. The least common multiple of 4 and 6 is 12, so 1/4 = 3/12 and 1/6 = 2/12, and the sum is 5/12."),
 ("Unlike denominators step by step", "video", 2, "Three steps add unlike fractions: find the least common denominator, rename each fraction as an equivalent fraction with that denominator, then add the numerators and simplify."),
 ("Subtracting fractions", "exercise", 2, "Subtraction works the same way: 5/6 - 1/4 = 10/12 - 3/12 = 7/12. Practise with pairs of fractions and check each answer by adding it back."),
 ("Adding mixed numbers", "lesson", 3, "Add the whole numbers and the fractions separately, then regroup: 2 3/4 + 1 1/2 = 3 + 5/4 = 4 1/4. Alternatively convert both to improper fractions first."),
 ("Subtracting with regrouping", "exercise", 4, "For 4 1/3 - 1 2/3, the fraction 1/3 is smaller than 2/3, so regroup one whole: 3 4/3 - 1 2/3 = 2 2/3."),
 ("Common mistake: adding denominators", "video", 2, "A common error is 1/2 + 1/3 = 2/5. Adding denominators would change the size of the pieces; a picture shows the sum is 5/6, more than either fraction, while 2/5 is less than 1/2."),
 ("Fraction sums quiz", "quiz", 3, "Add and subtract fractions with unlike denominators and mixed numbers, giving answers in simplest form: 3/8 + 1/4, 7/10 - 1/5 and 1 2/3 + 2 5/6."),
 ("Fractions in measurement", "exercise", 4, "A board is 5 1/2 feet long. A carpenter cuts off 1 3/4 feet and then 2 1/8 feet. Work out how much of the board is left and show each common denominator."),
])
define("fraction_multiplication", "Multiplying and dividing fractions",
       "Multiply fractions by multiplying numerators and denominators; divide by a fraction by multiplying by its reciprocal.",
       ["fractions_basics"], [
 ("A fraction of a fraction", "lesson", 2, "1/2 of 3/4 means take three quarters and then half of that: 3/8. Multiplying fractions multiplies numerators and denominators: 1/2 x 3/4 = 3/8."),
 ("Area model for multiplication", "video", 2, "Shade 2/3 of a square vertically and 4/5 horizontally; the overlap covers 8 of the 15 small rectangles, showing 2/3 x 4/5 = 8/15."),
 ("Multiplying by a whole number", "lesson", 1, "A whole number can be written over 1: 4 x 2/5 = 4/1 x 2/5 = 8/5 = 1 3/5. It is the same as adding 2/5 four times."),
 ("Reciprocals", "lesson", 2, "The reciprocal of a fraction swaps numerator and denominator: the reciprocal of 3/7 is 7/3. A number times its reciprocal is always 1."),
 ("Dividing by a fraction", "lesson", 3, "Dividing by a fraction is the same as multiplying by its reciprocal: 3/4 ÷ 1/8 = 3/4 x 8 = 6. It asks how many eighths fit into three quarters."),
 ("Simplify before multiplying", "exercise", 3, "Cancel common factors across numerators and denominators before multiplying: 6/10 x 5/9 becomes 1/1 x ... after dividing 6 and 9 by 3 and 5 and 10 by 5, giving 1/3."),
 ("Why multiplying can make smaller", "video", 3, "Multiplying by a fraction less than 1 gives a result smaller than the starting number, because you are taking only part of it: 12 x 1/4 = 3."),
 ("Multiply and divide quiz", "quiz", 3, "Compute 2/3 x 9/10, 5/6 ÷ 5/12 and 3 1/2 x 2/5, writing answers in simplest form and estimating first."),
 ("Dividing mixed numbers in context", "exercise", 5, "A ribbon 7 1/2 metres long is cut into pieces 5/8 of a metre long. How many pieces are there? Convert to improper fractions and divide."),
])
define("decimals", "Decimals and place value",
       "Decimals extend place value to the right of the ones place: tenths, hundredths and thousandths; every terminating decimal is a fraction with a denominator that is a power of ten.",
       ["fractions_basics"], [
 ("Tenths and hundredths", "lesson", 1, "The first digit after the decimal point counts tenths and the second counts hundredths. The decimal 0.37 means 3 tenths and 7 hundredths, which is 37/100."),
 ("Decimals to fractions", "lesson", 2, "Read the decimal and write it over a power of ten, then simplify: 0.45 = 45/100 = 9/20, and 0.125 = 125/1000 = 1/8."),
 ("Fractions to decimals", "video", 2, "Divide the numerator by the denominator to turn a fraction into a decimal: 3/8 = 3 ÷ 8 = 0.375. Some fractions, like 1/3, give repeating decimals: 0.333..."),
 ("Comparing decimals", "exercise", 2, "Line up the decimal points and compare digit by digit from the left: 0.42 is greater than 0.4199 because 2 hundredths beats 1 hundredth. Adding zeros at the end does not change a decimal."),
 ("Adding and subtracting decimals", "lesson", 2, "Line up the decimal points so digits with the same place value are in the same column, then add or subtract as with whole numbers: 3.25 + 0.8 = 4.05."),
 ("Multiplying decimals", "lesson", 3, "Multiply as if there were no decimal points, then place the point so the answer has as many decimal places as both factors together: 0.3 x 0.04 = 0.012."),
 ("Rounding decimals", "exercise", 2, "To round 2.648 to the nearest tenth, look at the hundredths digit: 4 is less than 5, so round down to 2.6. Rounding to the nearest hundredth gives 2.65."),
 ("Decimal place value quiz", "quiz", 1, "Name the place of each digit in 14.037, write 0.6 and 0.06 as fractions, and order 0.5, 0.45 and 0.505 from least to greatest."),
 ("Money and decimals", "exercise", 3, "Prices use hundredths: $4.75 is 4 dollars and 75 hundredths of a dollar. Total a shopping list and compute the change from $20."),
])
define("percentages", "Percentages",
       "A percent is a ratio out of 100; percentages convert to decimals and fractions and find parts of quantities, increases, decreases and discounts.",
       ["decimals"], [
 ("Percent means per hundred", "lesson", 1, "The word percent means per hundred, so 35% is 35 out of 100, which is 0.35 or 7/20. A full quantity is 100%."),
 ("Converting between forms", "lesson", 2, "Move between fractions, decimals and percents: 3/4 = 0.75 = 75%, and 0.08 = 8%. To turn a decimal into a percent multiply by 100."),
 ("Percent of a quantity", "video", 2, "To find 15% of 60, write 15% as 0.15 and multiply: 0.15 x 60 = 9. Or find 10% (6) and 5% (3) and add them."),
 ("Percent increase and decrease", "lesson", 3, "A 20% increase multiplies by 1.2 and a 20% decrease multiplies by 0.8. A price of $50 raised by 20% becomes $60."),
 ("Discounts and sales tax", "exercise", 3, "A $40 jacket is 25% off, so it costs 75% of $40, which is $30. Add 8% sales tax by multiplying by 1.08 to get $32.40."),
 ("Finding the percent", "exercise", 3, "What percent of 80 is 20? Divide the part by the whole, 20 ÷ 80 = 0.25, then multiply by 100 to get 25%."),
 ("Finding the whole", "lesson", 4, "If 30% of a number is 24, the whole is 24 ÷ 0.30 = 80. Think: 10% is 8, so 100% is 80."),
 ("Percent quiz", "quiz", 2, "Convert 0.4, 3/5 and 12.5% between forms; find 30% of 90; decide which is the better deal, 20% off or $15 off a $70 item."),
 ("Percent change in the news", "exercise", 5, "A town grew from 12,000 to 15,000 people. Compute the percent increase, then explain why a later fall back to 12,000 is a 20% decrease and not 25%."),
])
define("ratios", "Ratios",
       "A ratio compares two quantities, written a:b or a to b; equivalent ratios are found by multiplying or dividing both terms by the same number.",
       ["fractions_basics"], [
 ("What a ratio compares", "lesson", 1, "A ratio compares quantities: if a class has 12 girls and 15 boys, the ratio of girls to boys is 12:15, which simplifies to 4:5. Order matters: boys to girls is 5:4."),
 ("Part-to-part and part-to-whole", "lesson", 2, "In a bag of 3 red and 5 blue marbles, red to blue is 3:5 (part to part) and red to all marbles is 3:8 (part to whole), which is also the fraction 3/8."),
 ("Equivalent ratios with tables", "video", 2, "A ratio table lists equivalent ratios: 2 cups of flour for 3 eggs, 4 for 6, 6 for 9. Each row multiplies both quantities by the same number."),
 ("Simplifying ratios", "exercise", 2, "Divide both terms by their greatest common factor: 18:24 becomes 3:4. Practise with ratios from recipes and sports scores."),
 ("Sharing in a ratio", "lesson", 3, "To share $35 in the ratio 2:5, count 7 parts in total; each part is $5, so the shares are $10 and $25."),
 ("Ratios with tape diagrams", "exercise", 3, "Draw two bars split into equal units, 3 units and 4 units for the ratio 3:4. If the first quantity is 24, each unit is 8 and the second is 32."),
 ("Mixing paint", "exercise", 4, "Orange paint uses red and yellow in the ratio 2:3. How much of each is needed for 15 litres? Will 4 litres red with 5 yellow give the same shade? Explain with equivalent ratios."),
 ("Ratio quiz", "quiz", 2, "Write ratios from pictures, simplify 16:40, complete a ratio table, and share 60 in the ratio 1:2:3."),
 ("Scale drawings", "video", 3, "A map scale of 1:50,000 means 1 cm on the map is 50,000 cm, or 500 m, in real life. Scale drawings keep all lengths in the same ratio."),
])
define("proportional_reasoning", "Rates and proportions",
       "A rate compares quantities with different units; a unit rate is per one unit; two quantities are proportional when their ratio is constant, y = kx.",
       ["ratios"], [
 ("Rates and unit rates", "lesson", 1, "A rate compares different units, like 150 km in 3 hours. The unit rate is the amount per one unit: 150 ÷ 3 = 50 km per hour."),
 ("Best buy problems", "exercise", 2, "Compare unit prices: 12 pencils for $3 cost $0.25 each, 20 pencils for $4.40 cost $0.22 each, so the larger pack is the better buy."),
 ("Solving proportions", "lesson", 2, "A proportion states two ratios are equal, like 3/4 = x/20. Multiply both sides by 20, or notice 4 x 5 = 20, so x = 15."),
 ("Constant of proportionality", "video", 3, "If y is proportional to x then y = kx for a fixed k. When 4 tickets cost $36, k = 9 dollars per ticket, and any number of tickets costs 9 times that number."),
 ("Proportional or not", "exercise", 3, "A table is proportional when every y/x gives the same value and the graph is a straight line through the origin. A taxi fare with a fixed starting fee is not proportional."),
 ("Cross multiplication", "lesson", 3, "From a/b = c/d it follows that ad = bc. To solve 7/x = 21/12, cross multiply: 21x = 84, so x = 4."),
 ("Recipes and scaling", "exercise", 2, "A soup for 6 uses 450 g of carrots. For 10 people the amount is 450 x 10/6 = 750 g. Scale the other ingredients the same way."),
 ("Proportions quiz", "quiz", 3, "Find unit rates, solve x/15 = 4/6, decide whether tables are proportional and find the constant of proportionality from a graph."),
 ("Speed, distance and time", "lesson", 4, "Speed is a rate: distance = speed x time. A cyclist at 18 km/h for 2.5 hours travels 45 km; covering 27 km at that speed takes 1.5 hours."),
])
define("integers", "Integers and negative numbers",
       "Integers include negative whole numbers; they are ordered on a number line, have absolute values, and follow sign rules for addition, subtraction, multiplication and division.",
       [], [
 ("Negative numbers in real life", "lesson", 1, "Negative numbers describe values below zero: a temperature of -5 °C, a debt of $20 written as -20, or 30 m below sea level as -30."),
 ("Integers on the number line", "video", 1, "Numbers to the left of zero are negative. The farther left, the smaller: -7 is less than -2. Opposites like 4 and -4 are the same distance from zero."),
 ("Absolute value", "lesson", 2, "The absolute value of a number is its distance from zero, so |-6| = 6 and |6| = 6. Distance is never negative."),
 ("Adding integers", "lesson", 2, "Same signs: add the absolute values and keep the sign, -3 + -5 = -8. Different signs: subtract the absolute values and take the sign of the larger, -9 + 4 = -5."),
 ("Subtracting integers", "exercise", 3, "Subtracting is adding the opposite: 5 - (-3) = 5 + 3 = 8 and -2 - 7 = -2 + (-7) = -9. Check on a number line."),
 ("Multiplying and dividing integers", "lesson", 3, "The product or quotient of two numbers with the same sign is positive; with different signs it is negative: -4 x -6 = 24, -20 ÷ 5 = -4."),
 ("Temperature changes", "exercise", 2, "The temperature was -3 °C at dawn and rose 9 degrees by noon, then fell 11 degrees by midnight. Track each change with integer addition."),
 ("Integer operations quiz", "quiz", 2, "Compute -8 + 3, -8 - 3, -8 x -3 and 24 ÷ -6, and order -5, 2, -1 and 0 from least to greatest."),
 ("Why negative times negative is positive", "video", 4, "Use the pattern 3 x -2 = -6, 2 x -2 = -4, 1 x -2 = -2, 0 x -2 = 0: each step adds 2, so -1 x -2 = 2. The rule keeps the distributive law true."),
])
define("order_of_operations", "Order of operations",
       "Expressions are evaluated in a fixed order: parentheses, exponents, multiplication and division from left to right, then addition and subtraction from left to right.",
       ["integers"], [
 ("Why we need an order", "lesson", 1, "Without an agreed order, 3 + 4 x 2 could mean 14 or 11. The convention says multiply first, so it equals 11, and everyone gets the same answer."),
 ("Parentheses first", "lesson", 1, "Parentheses group operations that must be done first: (3 + 4) x 2 = 14. Brackets inside brackets are worked from the inside out."),
 ("Exponents", "video", 2, "An exponent means repeated multiplication: 2^3 = 2 x 2 x 2 = 8. Exponents come after parentheses and before multiplication: 5 + 2^3 = 13."),
 ("Left to right for equal priority", "lesson", 2, "Multiplication and division share a level, as do addition and subtraction; work them left to right: 20 ÷ 4 x 5 = 25, and 10 - 3 + 2 = 9."),
 ("Evaluating step by step", "exercise", 2, "Evaluate 18 - 2 x (7 - 4)^2 by writing one step per line: 18 - 2 x 3^2 = 18 - 2 x 9 = 18 - 18 = 0."),
 ("Fraction bars as grouping", "exercise", 3, "A fraction bar groups its top and bottom: (12 + 6)/(4 - 1) = 18/3 = 6. Evaluate numerator and denominator first."),
 ("Negative numbers and exponents", "lesson", 4, "Be careful with signs: (-3)^2 = 9 but -3^2 = -9, because the exponent applies before the negative sign unless parentheses say otherwise."),
 ("Order of operations quiz", "quiz", 2, "Evaluate 6 + 12 ÷ 3, (6 + 12) ÷ 3, 2 x 5^2 and 40 - 8 ÷ 2 x 3, showing each step."),
 ("Insert the parentheses", "exercise", 4, "Place parentheses to make each statement true: 8 - 3 x 2 + 1 = 15 and 24 ÷ 4 + 2 x 3 = 12. Explain your reasoning."),
])
define("algebraic_expressions", "Algebraic expressions",
       "Variables stand for numbers; expressions combine variables and numbers, are evaluated by substitution, and simplified by combining like terms and the distributive property.",
       ["order_of_operations"], [
 ("Variables stand for numbers", "lesson", 1, "A variable such as x or n is a letter that stands for a number we do not know yet or that can change. The expression 3n means 3 times n."),
 ("Writing expressions from words", "lesson", 2, "Translate phrases: 'five more than a number' is n + 5, 'twice a number decreased by 3' is 2n - 3, and 'the sum of a number and 4, halved' is (n + 4)/2."),
 ("Evaluating by substitution", "exercise", 2, "Replace the variable with its value and follow the order of operations: if x = 4, then 3x^2 - 2x = 3 x 16 - 8 = 40."),
 ("Like terms", "video", 2, "Like terms have the same variable part: 4x and -7x are like terms, but 4x and 4x^2 are not. Combine like terms by adding coefficients: 4x - 7x + 2 = -3x + 2."),
 ("The distributive property", "lesson", 3, "Multiply every term inside the parentheses: 3(2x - 5) = 6x - 15. It also works in reverse to factor: 8x + 12 = 4(2x + 3)."),
 ("Simplifying expressions", "exercise", 3, "Simplify 2(3a + 4) - 5a + 1 by distributing then combining like terms: 6a + 8 - 5a + 1 = a + 9."),
 ("Equivalent expressions", "lesson", 3, "Two expressions are equivalent if they give the same value for every value of the variable. Test 2(x + 3) and 2x + 6 with a few values, then show why with the distributive property."),
 ("Expressions quiz", "quiz", 2, "Write expressions for word phrases, evaluate 5y - 3 for y = -2, and simplify 7m + 2 - 3m + 4."),
 ("Perimeter expressions", "exercise", 4, "A rectangle is x + 3 long and 2x wide. Write and simplify an expression for its perimeter, then evaluate it for x = 5."),
])
define("one_step_equations", "One-step equations",
       "An equation states two expressions are equal; one-step equations are solved with a single inverse operation applied to both sides to isolate the variable.",
       ["algebraic_expressions"], [
 ("What an equation says", "lesson", 1, "An equation such as x + 7 = 12 says both sides have the same value. Solving means finding the value of x that makes it true, here x = 5."),
 ("Balance model", "video", 1, "Think of an equation as a balanced scale: whatever you do to one side you must do to the other to keep it balanced."),
 ("Inverse operations", "lesson", 2, "Addition and subtraction undo each other, as do multiplication and division. To solve x - 4 = 9, add 4 to both sides: x = 13."),
 ("Multiplication equations", "exercise", 2, "To solve 6x = 42, divide both sides by 6: x = 7. To solve x/5 = 3, multiply both sides by 5: x = 15."),
 ("Checking solutions", "lesson", 2, "Substitute your answer back: for 3x = 27 with x = 9, 3 x 9 = 27 is true, so the solution checks."),
 ("Equations with negatives", "exercise", 3, "Solve -4x = 20 by dividing by -4 to get x = -5, and y + 8 = 3 by subtracting 8 to get y = -5."),
 ("Writing equations from stories", "exercise", 3, "Maya has some stickers and gets 15 more, now having 42. Write n + 15 = 42 and solve: n = 27."),
 ("One-step equations quiz", "quiz", 1, "Solve x + 9 = 14, n - 6 = -2, 7k = 56 and m/4 = 8, and check each solution."),
 ("Fractions in one-step equations", "exercise", 4, "Solve 2/3 x = 10 by multiplying both sides by the reciprocal 3/2: x = 15."),
])
define("linear_equations", "Two-step and multi-step linear equations",
       "Linear equations with several operations are solved by undoing operations in reverse order, collecting variable terms on one side and constants on the other.",
       ["one_step_equations"], [
 ("Two-step equations", "lesson", 2, "To solve 3x + 5 = 20, first subtract 5 from both sides (3x = 15), then divide by 3 (x = 5). Undo addition before multiplication."),
 ("Variables on both sides", "lesson", 3, "For 5x - 4 = 2x + 11, subtract 2x from both sides to get 3x - 4 = 11, add 4 to get 3x = 15, so x = 5."),
 ("Equations with parentheses", "video", 3, "Distribute first: 2(x + 3) = 14 becomes 2x + 6 = 14, so 2x = 8 and x = 4. You may also divide both sides by 2 first."),
 ("Solving step by step", "exercise", 2, "Solve 4n - 7 = 13, x/3 + 2 = 6 and 10 - 2y = 4, writing the inverse operation used at each step."),
 ("Equations from word problems", "exercise", 3, "A phone plan costs $15 a month plus $0.10 per text. A bill of $23 gives 15 + 0.10t = 23, so t = 80 texts."),
 ("No solution or infinitely many", "lesson", 4, "Some equations simplify to a false statement such as 3 = 7 (no solution) or a true one such as 0 = 0 (every number is a solution)."),
 ("Equations with fractions", "exercise", 4, "Multiply every term by the least common denominator to clear fractions: x/2 + x/3 = 10 becomes 3x + 2x = 60, so x = 12."),
 ("Linear equations quiz", "quiz", 3, "Solve 7x + 2 = 30, 3(x - 4) = 2x + 1 and 0.5x - 3 = 4, and check each answer by substitution."),
 ("Consecutive integers", "exercise", 5, "Three consecutive integers add to 96: n + (n + 1) + (n + 2) = 96, so 3n + 3 = 96 and n = 31. Try the same with consecutive even numbers."),
])
define("graphing_linear", "Graphing linear relationships",
       "Linear relationships graph as straight lines; slope is rise over run, the y-intercept is where the line crosses the y-axis, and y = mx + b describes the line.",
       ["linear_equations", "proportional_reasoning"], [
 ("The coordinate plane", "lesson", 1, "Points are located by ordered pairs (x, y): x tells how far right or left, y how far up or down. The axes cross at the origin (0, 0)."),
 ("Slope as rise over run", "lesson", 2, "Slope measures steepness: the change in y divided by the change in x. From (1, 2) to (4, 8) the rise is 6 and the run is 3, so the slope is 2."),
 ("Slope-intercept form", "video", 3, "In y = mx + b, m is the slope and b is the y-intercept. The line y = 3x - 2 crosses the y-axis at -2 and rises 3 for every 1 to the right."),
 ("Graphing from a table", "exercise", 2, "Make a table of x and y values for y = 2x + 1, plot the points (0, 1), (1, 3), (2, 5) and join them with a straight line."),
 ("Positive, negative, zero slope", "lesson", 2, "A line rising to the right has positive slope, falling has negative slope, a horizontal line has slope 0, and a vertical line's slope is undefined."),
 ("Slope from two points", "exercise", 3, "Use m = (y2 - y1)/(x2 - x1): through (-2, 5) and (2, -3) the slope is -8/4 = -2."),
 ("Proportional lines through the origin", "lesson", 3, "A proportional relationship y = kx graphs as a line through the origin with slope k, the unit rate."),
 ("Graphing quiz", "quiz", 3, "Find the slope and intercept of y = -1/2 x + 4, plot it, and write the equation of the line through (0, 3) with slope 2."),
 ("Linear models", "exercise", 5, "A plant is 4 cm tall and grows 1.5 cm per week. Write h = 1.5w + 4, graph it, and predict when it reaches 19 cm."),
])
define("cells", "Cell structure",
       "All living things are made of cells; cells have a membrane, cytoplasm and genetic material, and plant cells also have a cell wall, chloroplasts and a large vacuole.",
       [], [
 ("Cells are the unit of life", "lesson", 1, "Every living thing is made of one or more cells, the smallest units that carry out the processes of life. Bacteria are single cells; a human body has trillions."),
 ("Parts of an animal cell", "lesson", 2, "An animal cell has a cell membrane that controls what enters and leaves, cytoplasm where reactions happen, a nucleus holding DNA, and mitochondria that release energy."),
 ("Plant cells are different", "video", 2, "Plant cells also have a rigid cell wall made of cellulose, chloroplasts that capture light for photosynthesis, and a large vacuole filled with cell sap."),
 ("Using a microscope", "lesson", 2, "Prepare a thin slide, start with the lowest power objective and focus with the coarse knob, then switch to higher power and use only the fine knob. Onion skin cells show walls and nuclei."),
 ("Prokaryotes and eukaryotes", "lesson", 3, "Bacteria are prokaryotes: no nucleus, DNA loose in the cytoplasm. Plants, animals and fungi are eukaryotes with a nucleus and membrane-bound organelles."),
 ("Organelle functions", "exercise", 3, "Match organelles to jobs: ribosomes make proteins, mitochondria carry out respiration, the nucleus controls the cell, chloroplasts make food."),
 ("Levels of organisation", "video", 2, "Cells form tissues, tissues form organs, organs form organ systems, and systems form an organism: muscle cells, muscle tissue, the heart, the circulatory system, you."),
 ("Cell structure quiz", "quiz", 1, "Label diagrams of plant and animal cells and name three structures found in plant cells but not in animal cells."),
 ("Specialised cells", "exercise", 4, "Explain how the shape of red blood cells, nerve cells and root hair cells suits their job, using surface area and length."),
])
define("cell_processes", "Photosynthesis and respiration",
       "Plants make glucose from carbon dioxide and water using light energy in photosynthesis; all organisms release energy from glucose in cellular respiration.",
       ["cells"], [
 ("Photosynthesis overview", "lesson", 1, "In photosynthesis, chloroplasts use light energy to turn carbon dioxide and water into glucose and oxygen. The word equation is carbon dioxide + water -> glucose + oxygen."),
 ("What leaves need", "video", 2, "Leaves take in carbon dioxide through stomata, water arrives from the roots through xylem, and chlorophyll absorbs mostly red and blue light."),
 ("Cellular respiration", "lesson", 2, "Respiration in mitochondria releases energy from glucose using oxygen: glucose + oxygen -> carbon dioxide + water + energy. It happens in plants and animals all the time."),
 ("Two processes, one cycle", "lesson", 3, "The products of photosynthesis are the reactants of respiration and the other way round, so carbon and oxygen cycle between plants, animals and the air."),
 ("Limiting factors", "exercise", 3, "The rate of photosynthesis depends on light intensity, carbon dioxide concentration and temperature; whichever is in shortest supply limits the rate."),
 ("Anaerobic respiration", "lesson", 4, "Without enough oxygen, muscle cells release a little energy by turning glucose into lactic acid; yeast makes ethanol and carbon dioxide, which makes bread rise."),
 ("Pondweed experiment", "exercise", 3, "Count the oxygen bubbles from pondweed as a lamp moves closer; more light gives more bubbles until another factor becomes limiting."),
 ("Energy in cells quiz", "quiz", 2, "Write the word equations for photosynthesis and respiration, say where each happens in the cell, and explain why plants respire at night."),
 ("Why forests matter", "video", 4, "Forests absorb carbon dioxide through photosynthesis and store carbon in wood; cutting and burning them returns carbon to the atmosphere."),
])
define("genetics_basics", "Heredity and genetics",
       "Traits are passed from parents to offspring through genes on DNA; alleles can be dominant or recessive, and Punnett squares predict the chances of offspring traits.",
       ["cells"], [
 ("DNA, genes and chromosomes", "lesson", 1, "DNA carries the instructions for building an organism. A gene is a section of DNA that codes for a trait, and long DNA molecules are packed into chromosomes in the nucleus."),
 ("Inherited and acquired traits", "lesson", 1, "Eye colour is inherited through genes; a scar or a language you learned is acquired during life and is not passed on in DNA."),
 ("Dominant and recessive alleles", "video", 2, "Different versions of a gene are alleles. A dominant allele shows its trait with one copy; a recessive allele shows only when both copies are recessive."),
 ("Genotype and phenotype", "lesson", 2, "The genotype is the pair of alleles, such as Bb; the phenotype is the trait you see, such as brown eyes. Homozygous means two identical alleles, heterozygous two different."),
 ("Punnett squares", "lesson", 3, "A Punnett square crosses parents' alleles: Bb x Bb gives BB, Bb, Bb and bb, so 3 in 4 offspring show the dominant trait and 1 in 4 the recessive."),
 ("Practice crosses", "exercise", 3, "Cross a homozygous tall pea plant (TT) with a short one (tt). All offspring are Tt and tall; crossing two of them gives a 3:1 ratio."),
 ("Mutations and variation", "video", 3, "Mutations are changes in DNA; most are harmless, some cause disease and a few help survival. Sexual reproduction mixes alleles so siblings differ."),
 ("Heredity quiz", "quiz", 2, "Define allele, genotype and phenotype, and predict the offspring of Aa x aa with a Punnett square."),
 ("Pedigree charts", "exercise", 5, "Read a family pedigree to decide whether a trait is dominant or recessive, and find the genotypes of carriers who do not show the trait."),
])
define("ecosystems", "Ecosystems and food webs",
       "An ecosystem is living things interacting with their environment; energy flows from producers to consumers in food chains and webs, and matter is recycled by decomposers.",
       ["cell_processes"], [
 ("Producers, consumers, decomposers", "lesson", 1, "Producers such as plants make their own food by photosynthesis; consumers eat other organisms; decomposers such as fungi break down dead matter and return nutrients to the soil."),
 ("Food chains", "lesson", 1, "A food chain shows what eats what, with arrows pointing in the direction energy flows: grass -> rabbit -> fox."),
 ("Food webs", "video", 2, "Real ecosystems have many linked food chains forming a food web. Removing one species can affect many others through the web."),
 ("Energy pyramids", "lesson", 3, "Only about 10% of the energy at one level passes to the next; the rest is used for life processes or lost as heat, so there are fewer top predators than plants."),
 ("Biotic and abiotic factors", "lesson", 2, "Living parts of an ecosystem are biotic factors; non-living parts such as sunlight, water, temperature and soil are abiotic factors."),
 ("Predator and prey cycles", "exercise", 3, "Graph hare and lynx populations: when hares increase, lynx increase after a delay, then hares fall, and lynx follow. Explain the pattern."),
 ("Relationships between species", "video", 3, "Mutualism benefits both species, like bees and flowers; parasitism helps one and harms the other; commensalism helps one and leaves the other unaffected."),
 ("Ecosystems quiz", "quiz", 2, "Build a food chain from a list of organisms, name the producer and top consumer, and explain the role of decomposers."),
 ("Invasive species", "exercise", 5, "Cane toads introduced to Australia had no predators and poisoned animals that ate them. Use a food web to predict effects of an invasive species."),
])
define("matter_states", "States of matter",
       "Matter exists as solids, liquids and gases; the particle model explains their properties, and heating or cooling causes changes of state such as melting, boiling and condensation.",
       [], [
 ("Solids, liquids and gases", "lesson", 1, "Solids keep their shape and volume; liquids keep their volume but take the shape of their container; gases fill whatever container they are in."),
 ("The particle model", "video", 1, "All matter is made of tiny particles. In solids they vibrate in fixed positions, in liquids they slide past each other, and in gases they move fast and far apart."),
 ("Changes of state", "lesson", 2, "Melting turns a solid into a liquid, boiling and evaporation turn a liquid into a gas, condensation turns gas into liquid and freezing turns liquid into solid."),
 ("Melting and boiling points", "lesson", 2, "Pure water melts at 0 °C and boils at 100 °C at sea level. During a change of state the temperature stays constant while energy breaks or forms bonds between particles."),
 ("Heating curve", "exercise", 3, "Plot temperature against time while heating ice: the curve rises, flattens at 0 °C while melting, rises again, and flattens at 100 °C while boiling."),
 ("Evaporation versus boiling", "lesson", 3, "Evaporation happens at the surface at any temperature; boiling happens throughout the liquid at the boiling point. Wind and warmth speed up evaporation."),
 ("Density and states", "video", 3, "Most substances are densest as solids, but ice is less dense than liquid water, which is why ice floats and lakes freeze from the top down."),
 ("States of matter quiz", "quiz", 1, "Name each change of state, describe particle arrangement in each state, and explain why a gas can be compressed but a solid cannot."),
 ("Sublimation and dry ice", "exercise", 4, "Dry ice, solid carbon dioxide, turns straight into gas at -78 °C. Explain sublimation with the particle model and give another example."),
])
define("forces", "Forces and net force",
       "A force is a push or a pull measured in newtons; forces have size and direction, and the net force on an object decides whether its motion changes.",
       [], [
 ("Pushes and pulls", "lesson", 1, "A force is a push or a pull that acts on an object. Forces can start or stop motion, change speed or direction, or change an object's shape."),
 ("Measuring forces", "video", 1, "Forces are measured in newtons (N) with a spring balance: the spring stretches further for a bigger force."),
 ("Contact and non-contact forces", "lesson", 2, "Friction, tension and air resistance need contact; gravity, magnetism and electrostatic forces act at a distance."),
 ("Balanced and unbalanced forces", "lesson", 2, "When forces on an object balance, the net force is zero and its motion does not change. Unbalanced forces give a net force that changes speed or direction."),
 ("Calculating net force", "exercise", 2, "Add forces in the same direction and subtract opposite ones: 30 N right and 12 N left give a net force of 18 N to the right."),
 ("Friction", "lesson", 3, "Friction opposes motion between surfaces in contact. Rough surfaces give more friction; lubricants and wheels reduce it. Friction is why brakes work and why shoes grip."),
 ("Weight and mass", "video", 3, "Mass is the amount of matter in kilograms; weight is the gravitational force on it in newtons. On Earth weight = mass x 9.8 N/kg, so a 50 kg student weighs about 490 N."),
 ("Forces quiz", "quiz", 2, "Draw force arrows for a book on a table, find the net force in examples, and sort forces into contact and non-contact."),
 ("Free-body diagrams", "exercise", 4, "Draw every force on a skydiver at the start of the fall and at terminal velocity, and explain why the speed stops increasing."),
])
define("speed_velocity", "Speed, velocity and motion graphs",
       "Speed is distance divided by time; velocity is speed in a direction; distance-time and speed-time graphs describe motion and acceleration.",
       [], [
 ("Calculating speed", "lesson", 1, "Average speed is total distance divided by total time: a runner who covers 400 m in 80 s has an average speed of 5 m/s."),
 ("Speed versus velocity", "lesson", 2, "Velocity includes direction: 20 m/s north and 20 m/s south are the same speed but different velocities."),
 ("Distance-time graphs", "video", 2, "On a distance-time graph a straight sloping line means constant speed, a steeper line means faster, and a flat line means the object has stopped."),
 ("Acceleration", "lesson", 3, "Acceleration is the change in velocity divided by time. A car going from 0 to 24 m/s in 8 s accelerates at 3 m/s²."),
 ("Speed-time graphs", "exercise", 3, "On a speed-time graph the slope is acceleration and the area under the line is the distance travelled."),
 ("Rearranging the speed formula", "exercise", 2, "From speed = distance / time, distance = speed x time and time = distance / speed. A train at 30 m/s takes 40 s to travel 1200 m."),
 ("Relative motion", "video", 4, "Motion depends on the frame of reference: to a passenger a sleeping neighbour is at rest, to someone on the platform they move at the train's speed."),
 ("Motion quiz", "quiz", 2, "Compute speeds from data, interpret a distance-time graph, and say whether an object moving in a circle at steady speed is accelerating."),
 ("Stopping distances", "exercise", 5, "Stopping distance is thinking distance plus braking distance. Explain why doubling speed more than doubles braking distance."),
])
define("newtons_laws", "Newton's laws of motion",
       "Newton's first law: objects keep their motion unless a net force acts; second law: F = ma; third law: forces come in equal and opposite pairs.",
       ["forces", "speed_velocity"], [
 ("The first law: inertia", "lesson", 2, "An object at rest stays at rest and a moving object keeps moving at the same velocity unless a net force acts on it. This tendency is inertia; seat belts protect us from it."),
 ("The second law: F = ma", "lesson", 2, "Net force equals mass times acceleration. A 1,200 kg car accelerating at 2 m/s² needs a net force of 2,400 N."),
 ("The third law: action and reaction", "video", 2, "When you push on a wall, the wall pushes back on you with an equal force in the opposite direction. The two forces act on different objects, so they do not cancel."),
 ("Rockets and the third law", "lesson", 3, "A rocket pushes exhaust gas backwards and the gas pushes the rocket forwards, even in empty space with nothing to push against."),
 ("Using F = ma", "exercise", 3, "Find the acceleration of a 5 kg cart pulled with a net force of 20 N (4 m/s²), and the force needed to accelerate 0.15 kg at 40 m/s² (6 N)."),
 ("Mass and inertia", "exercise", 2, "Explain why a full shopping trolley is harder to start and to stop than an empty one, using inertia and F = ma."),
 ("Newton's laws in sport", "video", 3, "Kicking a ball, a sprinter pushing off blocks and a swimmer pushing off a wall each show all three laws. Identify the force pairs in each."),
 ("Newton's laws quiz", "quiz", 3, "State each law in your own words, solve F = ma problems, and identify action-reaction pairs."),
 ("Terminal velocity revisited", "exercise", 5, "Use Newton's second law to explain how a falling object's acceleration decreases as air resistance grows, reaching zero at terminal velocity."),
])
define("energy", "Energy: kinetic and potential",
       "Energy is the ability to do work; kinetic energy depends on mass and speed, gravitational potential energy on mass and height, and energy is conserved as it transfers between stores.",
       ["forces"], [
 ("Energy stores", "lesson", 1, "Energy is stored as kinetic (movement), gravitational potential (height), elastic (stretch), thermal (temperature), chemical (in food and fuel) and nuclear energy."),
 ("Kinetic energy", "lesson", 2, "Kinetic energy = 1/2 x mass x speed². Doubling speed quadruples kinetic energy, which is why fast cars are so dangerous."),
 ("Gravitational potential energy", "lesson", 2, "Gravitational potential energy = mass x gravitational field strength x height. Lifting a 2 kg book 1.5 m stores about 2 x 9.8 x 1.5 = 29.4 J."),
 ("Conservation of energy", "video", 2, "Energy cannot be created or destroyed, only transferred between stores. A falling ball turns potential energy into kinetic energy, and some into heat and sound."),
 ("Roller coaster energy", "exercise", 3, "At the top of a roller coaster energy is mostly potential; at the bottom mostly kinetic. Ignoring friction, the speed at the bottom depends only on the height of the drop."),
 ("Work and power", "lesson", 3, "Work = force x distance moved in the direction of the force, measured in joules. Power is work per second, in watts."),
 ("Efficiency", "exercise", 4, "Efficiency = useful energy out / total energy in. A bulb that turns 60 J of every 100 J into light is 60% efficient; the rest heats the room."),
 ("Energy quiz", "quiz", 2, "Name energy stores in examples, compute kinetic energy of a 4 kg object at 3 m/s (18 J), and describe the energy transfers in a pendulum."),
 ("Renewable and non-renewable energy", "video", 3, "Fossil fuels store chemical energy from ancient plants and will run out; solar, wind and hydroelectric resources are renewed naturally."),
])
define("electricity", "Electric circuits",
       "Electric current is the flow of charge around a complete circuit; voltage pushes the current, resistance opposes it, and V = IR links them in series and parallel circuits.",
       ["energy"], [
 ("Complete circuits", "lesson", 1, "Current flows only around a complete loop from one terminal of a cell, through the components and back. A switch opens or closes the loop."),
 ("Current and voltage", "lesson", 2, "Current, measured in amperes with an ammeter in series, is the rate of flow of charge. Voltage, measured in volts with a voltmeter in parallel, is the push that drives it."),
 ("Resistance and Ohm's law", "video", 3, "Resistance opposes current and is measured in ohms. Ohm's law says V = IR: a 6 V supply across 3 ohms drives 2 A."),
 ("Series circuits", "lesson", 2, "In a series circuit there is one path, so the current is the same everywhere and the voltages across components add up to the supply voltage. One broken bulb stops them all."),
 ("Parallel circuits", "lesson", 3, "Parallel circuits have branches; each branch gets the full supply voltage and the branch currents add up to the total. Homes are wired in parallel."),
 ("Circuit symbols", "exercise", 1, "Draw circuit diagrams using standard symbols for cells, batteries, bulbs, switches, resistors, ammeters and voltmeters."),
 ("Using V = IR", "exercise", 3, "Find the current through a 12 ohm resistor on 6 V (0.5 A) and the resistance of a lamp drawing 0.25 A at 3 V (12 ohms)."),
 ("Circuits quiz", "quiz", 2, "Predict bulb brightness in series and parallel, place ammeters and voltmeters correctly, and apply V = IR."),
 ("Electrical safety", "video", 4, "Fuses and circuit breakers cut the current when it is too large; earth wires carry fault current safely away from metal cases."),
])

# ---- assessment items (with answer keys) ----
import random
rng = random.Random(2026)
def frac_str(f): return f"{f.numerator}/{f.denominator}"

n = 0
# fractions_basics
item("fractions_basics", 1, "A pizza is cut into 8 equal slices and 3 are eaten. What fraction of the pizza is eaten? Give the answer as a decimal.", numeric(0.375, 0.001))
item("fractions_basics", 2, "In the fraction 5/9, which number is the denominator?", numeric(9, 0))
item("fractions_basics", 3, "Which fraction is larger?", choice(["3/7", "3/5", "They are equal"], 1))
item("fractions_basics", 4, "What is 1/4 of 36?", numeric(9, 0))
item("fractions_basics", 5, "Write 11/4 as a decimal.", numeric(2.75, 0.001))
item("fractions_basics", 6, "What do we call a fraction with numerator 1?", exact("unit fraction", "a unit fraction"))
# equivalent_fractions
item("equivalent_fractions", 1, "Find the missing numerator: 3/4 = ?/20", numeric(15, 0))
item("equivalent_fractions", 2, "Simplify 18/24. Which is the simplest form?", choice(["9/12", "3/4", "6/8", "2/3"], 1))
item("equivalent_fractions", 3, "Are 6/9 and 8/12 equivalent?", choice(["yes", "no"], 0))
item("equivalent_fractions", 4, "What is the greatest common factor of 36 and 48?", numeric(12, 0))
item("equivalent_fractions", 5, "Find the missing denominator: 5/7 = 35/?", numeric(49, 0))
# fraction_addition: generated numeric items
for k in range(1, 8):
    a = Fraction(rng.randint(1, 5), rng.choice([3, 4, 6, 8])); b = Fraction(rng.randint(1, 5), rng.choice([2, 5, 10, 12]))
    if k % 2:
        item("fraction_addition", k, f"Compute {frac_str(a)} + {frac_str(b)} and give the answer as a decimal rounded to 3 places.", numeric(round(float(a + b), 3), 0.001), ["equivalent_fractions"] if k == 1 else [])
    else:
        hi, lo = max(a, b), min(a, b)
        item("fraction_addition", k, f"Compute {frac_str(hi)} - {frac_str(lo)} and give the answer as a decimal rounded to 3 places.", numeric(round(float(hi - lo), 3), 0.001))
item("fraction_addition", 8, "Which is the correct sum 1/2 + 1/3?", choice(["2/5", "5/6", "2/6", "1/5"], 1))
# fraction_multiplication
for k in range(1, 6):
    a = Fraction(rng.randint(1, 7), rng.randint(2, 9)); b = Fraction(rng.randint(1, 7), rng.randint(2, 9))
    op = "x" if k % 2 else "÷"
    val = a * b if op == "x" else a / b
    item("fraction_multiplication", k, f"Compute {frac_str(a)} {op} {frac_str(b)} as a decimal rounded to 3 places.", numeric(round(float(val), 3), 0.001))
item("fraction_multiplication", 6, "What is the reciprocal of 3/7? Give it as a fraction like a/b.", exact("7/3"))
# decimals
item("decimals", 1, "Write 3/8 as a decimal.", numeric(0.375, 0.0005))
item("decimals", 2, "What is 3.25 + 0.8?", numeric(4.05, 0.001))
item("decimals", 3, "What is 0.3 x 0.04?", numeric(0.012, 0.0001))
item("decimals", 4, "Round 2.648 to the nearest tenth.", numeric(2.6, 0.001))
item("decimals", 5, "Which is greatest?", choice(["0.5", "0.45", "0.505", "0.499"], 2))
item("decimals", 6, "What is the place value name of the digit 7 in 14.037?", exact("thousandths", "thousandth", "the thousandths"))
# percentages
item("percentages", 1, "What is 15% of 60?", numeric(9, 0.001))
item("percentages", 2, "Write 3/5 as a percent (number only).", numeric(60, 0.001))
item("percentages", 3, "A $40 jacket is 25% off. What is the sale price in dollars?", numeric(30, 0.001))
item("percentages", 4, "What percent of 80 is 20?", numeric(25, 0.001))
item("percentages", 5, "30% of a number is 24. What is the number?", numeric(80, 0.001))
item("percentages", 6, "A town grows from 12,000 to 15,000 people. What is the percent increase?", numeric(25, 0.01))
# ratios
item("ratios", 1, "Simplify the ratio 18:24. Give it as a:b.", exact("3:4", "3 : 4"))
item("ratios", 2, "Share $35 in the ratio 2:5. How many dollars is the larger share?", numeric(25, 0))
item("ratios", 3, "A bag has 3 red and 5 blue marbles. What fraction of the marbles are red?", choice(["3/5", "3/8", "5/8", "5/3"], 1))
item("ratios", 4, "Paint uses red and yellow in the ratio 2:3. How many litres of red are in 15 litres of paint?", numeric(6, 0.001))
item("ratios", 5, "On a 1:50,000 map, how many metres does 1 cm represent?", numeric(500, 0))
# proportional_reasoning
item("proportional_reasoning", 1, "A car travels 150 km in 3 hours. What is its speed in km per hour?", numeric(50, 0.001))
item("proportional_reasoning", 2, "Solve the proportion 3/4 = x/20.", numeric(15, 0.001))
item("proportional_reasoning", 3, "4 tickets cost $36. What is the constant of proportionality in dollars per ticket?", numeric(9, 0.001))
item("proportional_reasoning", 4, "Soup for 6 people uses 450 g of carrots. How many grams for 10 people?", numeric(750, 0.5))
item("proportional_reasoning", 5, "Which is the better buy?", choice(["12 pencils for $3.00", "20 pencils for $4.40", "They cost the same per pencil"], 1))
item("proportional_reasoning", 6, "Solve 7/x = 21/12.", numeric(4, 0.001))
# integers
for k, (expr, val) in enumerate([("-8 + 3", -5), ("-8 - 3", -11), ("-8 x -3", 24), ("24 ÷ -6", -4), ("5 - (-3)", 8)], 1):
    item("integers", k, f"Compute {expr}.", numeric(val, 0))
item("integers", 6, "What is the absolute value of -17?", numeric(17, 0))
# order_of_operations
for k, (expr, val) in enumerate([("3 + 4 x 2", 11), ("(3 + 4) x 2", 14), ("18 - 2 x (7 - 4)^2", 0), ("20 ÷ 4 x 5", 25), ("40 - 8 ÷ 2 x 3", 28)], 1):
    item("order_of_operations", k, f"Evaluate {expr}.", numeric(val, 0), ["integers"] if k == 3 else [])
item("order_of_operations", 6, "What is the value of -3^2 (no parentheses)?", numeric(-9, 0))
# algebraic_expressions
item("algebraic_expressions", 1, "Evaluate 3x^2 - 2x when x = 4.", numeric(40, 0))
item("algebraic_expressions", 2, "Evaluate 5y - 3 when y = -2.", numeric(-13, 0))
item("algebraic_expressions", 3, "Which expression means 'twice a number decreased by 3'?", choice(["2(n - 3)", "2n - 3", "3 - 2n", "n/2 - 3"], 1))
item("algebraic_expressions", 4, "Simplify 7m + 2 - 3m + 4. Write it like am + b.", exact("4m + 6", "4m+6", "6 + 4m"))
item("algebraic_expressions", 5, "Which is equivalent to 3(2x - 5)?", choice(["6x - 5", "6x - 15", "5x - 15", "6x + 15"], 1))
# one_step_equations
for k, (eq, val) in enumerate([("x + 9 = 14", 5), ("n - 6 = -2", 4), ("7k = 56", 8), ("m/4 = 8", 32), ("-4x = 20", -5), ("2/3 x = 10", 15)], 1):
    item("one_step_equations", k, f"Solve {eq}.", numeric(val, 0.001))
# linear_equations
for k, (eq, val) in enumerate([("3x + 5 = 20", 5), ("5x - 4 = 2x + 11", 5), ("2(x + 3) = 14", 4), ("7x + 2 = 30", 4), ("x/2 + x/3 = 10", 12), ("0.5x - 3 = 4", 14)], 1):
    item("linear_equations", k, f"Solve {eq}.", numeric(val, 0.001), ["one_step_equations"] if k == 1 else [])
item("linear_equations", 7, "How many solutions does 2x + 3 = 2x + 7 have?", choice(["none", "exactly one", "infinitely many"], 0))
# graphing_linear
item("graphing_linear", 1, "What is the slope of the line through (1, 2) and (4, 8)?", numeric(2, 0.001))
item("graphing_linear", 2, "What is the y-intercept of y = 3x - 2?", numeric(-2, 0))
item("graphing_linear", 3, "What is the slope of the line through (-2, 5) and (2, -3)?", numeric(-2, 0.001))
item("graphing_linear", 4, "A horizontal line has what slope?", numeric(0, 0))
item("graphing_linear", 5, "A plant 4 cm tall grows 1.5 cm per week. After how many weeks is it 19 cm tall?", numeric(10, 0.001), ["linear_equations"])
# science multiple choice and exact items
def sci(cid, items):
    for k, it in enumerate(items, 1):
        item(cid, k, it[0], it[1])
sci("cells", [
 ("Which structure controls what enters and leaves a cell?", choice(["cell wall", "cell membrane", "nucleus", "vacuole"], 1)),
 ("Which structure is found in plant cells but not animal cells?", choice(["mitochondria", "ribosome", "chloroplast", "nucleus"], 2)),
 ("Where is most of a cell's DNA kept in a eukaryotic cell?", exact("nucleus", "the nucleus")),
 ("Which organelle releases energy by respiration?", exact("mitochondria", "mitochondrion", "the mitochondria")),
 ("Bacteria are which type of cell?", choice(["eukaryotic", "prokaryotic"], 1)),
 ("Cells form tissues; tissues form what?", exact("organs", "organ")),
])
sci("cell_processes", [
 ("Which gas do plants take in for photosynthesis?", choice(["oxygen", "carbon dioxide", "nitrogen", "hydrogen"], 1)),
 ("In which organelle does photosynthesis happen?", exact("chloroplast", "chloroplasts", "the chloroplast")),
 ("What sugar is made in photosynthesis?", exact("glucose")),
 ("Respiration releases energy from glucose using which gas?", choice(["carbon dioxide", "oxygen", "methane"], 1)),
 ("What does yeast produce in anaerobic respiration besides carbon dioxide?", exact("ethanol", "alcohol")),
 ("Do plants respire at night?", choice(["yes", "no"], 0)),
])
sci("genetics_basics", [
 ("A section of DNA that codes for a trait is called a what?", exact("gene", "a gene")),
 ("In a cross Bb x Bb, what fraction of offspring show the recessive trait? (decimal)", numeric(0.25, 0.001)),
 ("Different versions of the same gene are called what?", exact("alleles", "allele")),
 ("The visible trait is the genotype or the phenotype?", choice(["genotype", "phenotype"], 1)),
 ("Crossing TT with tt gives what fraction of tall offspring? (decimal)", numeric(1, 0.001)),
])
sci("ecosystems", [
 ("Organisms that make their own food are called what?", exact("producers", "producer")),
 ("About what percent of energy passes from one trophic level to the next?", numeric(10, 1)),
 ("Fungi that break down dead matter are which role?", choice(["producers", "consumers", "decomposers"], 2)),
 ("Sunlight and temperature are which kind of factor?", choice(["biotic", "abiotic"], 1)),
 ("In grass -> rabbit -> fox, which is the producer?", exact("grass")),
 ("Bees and flowers helping each other is an example of what relationship?", exact("mutualism")),
])
sci("matter_states", [
 ("At what temperature in °C does pure water boil at sea level?", numeric(100, 0)),
 ("What is the change from gas to liquid called?", exact("condensation", "condensing")),
 ("In which state do particles vibrate in fixed positions?", choice(["solid", "liquid", "gas"], 0)),
 ("A solid turning directly into a gas is called what?", exact("sublimation")),
 ("Does ice float on liquid water?", choice(["yes", "no"], 0)),
])
sci("forces", [
 ("What is the unit of force?", exact("newton", "newtons", "N")),
 ("Forces of 30 N right and 12 N left act on a box. What is the net force in newtons?", numeric(18, 0)),
 ("Which force acts at a distance?", choice(["friction", "tension", "gravity", "air resistance"], 2)),
 ("What is the weight in newtons of a 50 kg student on Earth (g = 9.8 N/kg)?", numeric(490, 1)),
 ("If forces on an object are balanced, its motion does what?", choice(["speeds up", "does not change", "slows down"], 1)),
])
sci("speed_velocity", [
 ("A runner covers 400 m in 80 s. What is the average speed in m/s?", numeric(5, 0.001)),
 ("A car goes from 0 to 24 m/s in 8 s. What is its acceleration in m/s²?", numeric(3, 0.001)),
 ("A train at 30 m/s travels 1200 m. How many seconds does it take?", numeric(40, 0.001)),
 ("On a distance-time graph, what does a flat line mean?", choice(["constant speed", "stopped", "accelerating"], 1)),
 ("Speed with a direction is called what?", exact("velocity")),
])
sci("newtons_laws", [
 ("What net force in newtons accelerates a 1,200 kg car at 2 m/s²?", numeric(2400, 1)),
 ("A 5 kg cart has a net force of 20 N. What is its acceleration in m/s²?", numeric(4, 0.001)),
 ("The tendency of an object to keep its motion is called what?", exact("inertia")),
 ("Action and reaction forces act on...", choice(["the same object", "different objects"], 1)),
 ("Which law explains how rockets move in space?", choice(["first law", "second law", "third law"], 2)),
])
sci("energy", [
 ("Kinetic energy in joules of a 4 kg object moving at 3 m/s?", numeric(18, 0.01)),
 ("Potential energy in joules gained lifting 2 kg by 1.5 m (g = 9.8)?", numeric(29.4, 0.1)),
 ("Can energy be destroyed?", choice(["yes", "no"], 1)),
 ("A bulb turns 60 J of every 100 J into light. Efficiency in percent?", numeric(60, 0.01)),
 ("Energy stored in food and fuel is which store?", exact("chemical", "chemical energy")),
])
sci("electricity", [
 ("What current in amperes flows through 3 ohms with 6 V?", numeric(2, 0.001)),
 ("An ammeter is connected in series or parallel?", choice(["series", "parallel"], 0)),
 ("Resistance in ohms of a lamp drawing 0.25 A at 3 V?", numeric(12, 0.001)),
 ("In a parallel circuit, each branch gets what voltage?", choice(["none", "the full supply voltage", "half the supply voltage"], 1)),
 ("What is the unit of resistance?", exact("ohm", "ohms")),
])
# essay-style items without a key: graded by a supplied score
item("linear_equations", 8, "Explain in two sentences why subtracting the same number from both sides keeps an equation true.", None)
item("ecosystems", 7, "Describe what might happen to a food web if all the decomposers disappeared.", None)
item("forces", 6, "Explain, using forces, why a parachute slows a skydiver.", None)

# ---- the demo class ----
records.append({"record": "class", "id": "class_001", "name": "Year 7 Science & Maths", "teacher": "Ms Rivera"})
names = ["Ava Chen", "Ben Okafor", "Chloe Martin", "Daniel Kim", "Ella Novak", "Farah Haddad", "Gabriel Silva", "Hana Sato",
         "Isaac Mensah", "Jade Dubois", "Kai Peterson", "Lena Fischer", "Mateo Garcia", "Nora Lindqvist", "Omar Aziz",
         "Priya Nair", "Quinn Walsh", "Rosa Alvarez", "Sam Taylor", "Tara Singh", "Uma Patel", "Victor Rossi",
         "Wen Li", "Xavier Brown", "Yara Costa", "Zane Ahmed", "Amara Obi", "Leo Moreau", "Mia Johansson", "Noah Wright"]
for i, name in enumerate(names, 1):
    records.append({"record": "student", "id": f"student_{i:03d}", "class_id": "class_001", "name": name})

concepts = [r for r in records if r["record"] == "concept"]
contents = [r for r in records if r["record"] == "content"]
items = [r for r in records if r["record"] == "assessment_item"]
assert len(concepts) >= 20 and len(contents) >= 200 and len(items) >= 100, (len(concepts), len(contents), len(items))
ids = [r["id"] for r in records if "id" in r]
assert len(ids) == len(set(ids))
with open(OUT, "w", encoding="utf-8") as f:
    for r in records:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(f"{len(concepts)} concepts, {len(contents)} content items, {len(items)} assessment items, "
      f"{len(names)} students -> {OUT}")
